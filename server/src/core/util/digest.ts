/**
 * A 64-bit digest of a string, for telling texts apart cheaply (fingerprints of facts, result ids
 * of pulled diagnostics): two independent 32-bit hashes (FNV-1a and a multiply-xorshift) and the
 * length of `s`, in base 36. Equal strings give equal digests; different ones almost never do.
 */
export function digest(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}.${s.length.toString(36)}`;
}
