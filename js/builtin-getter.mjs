// "#builtin" for Bun and Deno, which both have process.getBuiltinModule:
// without node:module, which takes Deno 3 ms to load (bench/levers.md).
export const builtin = (name) => globalThis.process.getBuiltinModule(name);
