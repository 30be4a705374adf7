/**
 * The Python marshal (version 0) dictionary `p4 -G` writes for every record, byte for byte as
 * client/clientusermsh.cc's PythonDict builds it: `{`, key/value items, `0`. Strings are `s` + int32
 * little-endian length + raw bytes (Python 3 reads them as bytes), integers `i` + int32 LE. The
 * first pair is always "code".
 */
export type MarshalValue = string | Buffer | number;

export function marshalDict(code: string, pairs: ReadonlyArray<readonly [string, MarshalValue]>): Buffer {
  const items: Array<readonly [Buffer, Buffer | number]> = [[Buffer.from('code'), Buffer.from(code)]];
  for (const [k, v] of pairs) items.push([Buffer.from(k), typeof v === 'number' ? v : typeof v === 'string' ? Buffer.from(v) : v]);
  let size = 2;
  for (const [k, v] of items) size += 5 + k.length + (typeof v === 'number' ? 5 : 5 + v.length);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  out[at++] = 0x7b; // {
  const putString = (s: Buffer) => {
    out[at] = 0x73; // s
    out.writeUInt32LE(s.length, at + 1);
    s.copy(out, at + 5);
    at += 5 + s.length;
  };
  for (const [k, v] of items) {
    putString(k);
    if (typeof v === 'number') {
      out[at] = 0x69; // i
      out.writeInt32LE(v, at + 1);
      at += 5;
    } else {
      putString(v);
    }
  }
  out[at] = 0x30; // 0
  return out;
}
