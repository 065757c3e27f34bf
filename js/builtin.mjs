// A Node built-in module, loaded when it is first asked for rather than when
// the package is imported (package.json's "#builtin" for Node):
// process.getBuiltinModule from Node 20.16, createRequire before it.
import { createRequire } from 'node:module';

const load = globalThis.process.getBuiltinModule?.bind(globalThis.process) ?? createRequire(import.meta.url);

export const builtin = (name) => load(name);
