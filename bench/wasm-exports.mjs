// What a part of the API costs in the .wasm: a copy of the module that
// exports only the named functions (with its memory and wasm-bindgen's
// `__` helpers), which wasm-opt then strips of everything nothing reaches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WASM_OPT_FEATURES } from '../scripts/wasm-opt-features.mjs';

/** Reads an unsigned LEB128 at `at.i`, moving it on. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at.i++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return value;
}

function encodeLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

/** The module's sections: id, and where the section, and its content, start and end. */
function* sections(wasm) {
  let pos = 8;
  while (pos < wasm.length) {
    const at = { i: pos + 1 };
    const size = leb(wasm, at);
    yield { id: wasm[pos], start: pos, content: at.i, end: at.i + size };
    pos = at.i + size;
  }
}

/** The entries of an export section: name, kind and the entry's bytes. */
function* exportEntries(wasm, section) {
  const at = { i: section.content };
  const count = leb(wasm, at);
  for (let k = 0; k < count; k += 1) {
    const start = at.i;
    const nameLength = leb(wasm, at);
    const name = wasm.toString('utf8', at.i, at.i + nameLength);
    const kind = wasm[at.i + nameLength];
    at.i += nameLength + 1; // the name, then the export's kind
    leb(wasm, at); // its index
    yield { name, kind, bytes: wasm.subarray(start, at.i) };
  }
}

/** The names of the functions `wasm` exports, without wasm-bindgen's `__*`. */
export function exportNames(wasm) {
  const names = [];
  for (const section of sections(wasm)) {
    if (section.id !== 7) continue;
    for (const { name, kind } of exportEntries(wasm, section)) {
      if (kind === 0 && !name.startsWith('__')) names.push(name);
    }
  }
  return names;
}

/**
 * `wasm` with its export section cut down to `names`, memory and `__*`.
 * Throws when the module exports no function of one of the names (after a
 * rename, a size would otherwise quietly leave it out).
 */
export function keepExports(wasm, names) {
  const keep = new Set(names);
  const found = new Set();
  const parts = [wasm.subarray(0, 8)];
  for (const section of sections(wasm)) {
    if (section.id !== 7) {
      parts.push(wasm.subarray(section.start, section.end));
      continue;
    }
    const kept = [];
    for (const { name, bytes } of exportEntries(wasm, section)) {
      if (keep.has(name)) found.add(name);
      if (keep.has(name) || name === 'memory' || name.startsWith('__')) kept.push(bytes);
    }
    const body = Buffer.concat([encodeLeb(kept.length), ...kept]);
    parts.push(Buffer.from([7]), encodeLeb(body.length), body);
  }
  const missing = names.filter((name) => !found.has(name));
  if (missing.length) throw new Error(`the .wasm exports no ${missing.join(', ')}`);
  return Buffer.concat(parts);
}

/** Raw and gzip -9 sizes of `wasm` exporting only `names`, after wasm-opt -O3. */
export function sizeWithExports(wasm, names, wasmOpt) {
  const dir = mkdtempSync(join(os.tmpdir(), 'iamjwt-exports-'));
  try {
    const input = join(dir, 'in.wasm');
    const output = join(dir, 'out.wasm');
    writeFileSync(input, keepExports(wasm, names));
    execFileSync(wasmOpt, [input, '-O3', '-o', output, ...WASM_OPT_FEATURES], { stdio: ['ignore', 'ignore', 'inherit'] });
    const bytes = readFileSync(output);
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
