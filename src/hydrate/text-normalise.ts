const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The stored form a text file most likely has, from a checkout that may have written it with CRLF
 * line endings or a UTF-8 BOM: used to index seeded directories. Only a candidate — every use is
 * verified against the server digest.
 */
export function normaliseText(data: Buffer): Buffer {
  const body = data.subarray(0, 3).equals(BOM) ? data.subarray(3) : data;
  if (!body.includes(0x0d)) return body;
  return Buffer.from(body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

/** Looks like text: no NUL byte in the first 8 KiB. */
export function looksLikeText(data: Buffer): boolean {
  return !data.subarray(0, 8192).includes(0);
}
