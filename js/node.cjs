// require('iamjwt') in Node. Node 20.19, 22.12 and later load the ES module
// entry with require() (it has no top-level await), so this hands back the
// very module that `import` gets: one .wasm instance, one API, one set of
// classes for `instanceof`. An older Node cannot, and gets this error
// instead of ERR_REQUIRE_ESM.
'use strict';

try {
  module.exports = require('./node.mjs');
} catch (error) {
  if (error?.code !== 'ERR_REQUIRE_ESM') throw error;
  throw Object.assign(
    new Error(
      `require('iamjwt') needs Node 20.19, 22.12 or later, which can require() ES modules; this is Node ${process.versions.node}. ` +
        "Update Node, or load iamjwt with import (`await import('iamjwt')`).",
    ),
    { code: 'ERR_UNSUPPORTED_PLATFORM', cause: error },
  );
}
