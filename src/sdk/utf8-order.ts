/**
 * Code point order, which is the order of the strings' UTF-8 bytes, without encoding them: what
 * Tremor's sorts and its sled-backed kv store give. JavaScript's `<` compares UTF-16 code units,
 * which puts U+E000..U+FFFF after the surrogates that encode U+10000 and up; shifting both ranges
 * fixes that. Only the sign of the result means anything.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x - y;
  }
  return a.length - b.length;
}
