// Which wasm KeyHandle each AuthorizedKey owns (internal: the API and the
// token sources use it; no entry exports it).
import { IamJwtError } from './errors.js';

export const handles = new WeakMap();

/** The key's wasm handle, or ERR_KEY_FREED. */
export function handleOf(key) {
  const handle = handles.get(key);
  if (!handle) throw new IamJwtError('ERR_KEY_FREED', 'this key was freed; parse the key again');
  return handle;
}
