/**
 * Incremental decoder for `p4 -G` output: a stream of Python marshal (version 0) dictionaries, as
 * the client writes them (client/clientusermsh.cc): `{`, then pairs of items, then `0`. Items are
 * `s`/`t`/`u` + little-endian int32 length + bytes, or `i` + little-endian int32. Other marshal
 * types never occur in p4 output and are reported as corrupt input rather than guessed at.
 *
 * Records are decoded as they arrive; a `data` value is handed out as a Buffer slice without
 * copying whole files, so a 50 MB print streams through in chunk-sized pieces.
 */
export type MarshalValue = string | number | Buffer;

export interface P4Record {
  readonly code: string;
  readonly fields: Record<string, string | number>;
  /** The `data` item of text/binary/error/info records, as raw bytes. */
  readonly data: Buffer | undefined;
}

export class MarshalError extends Error {
  constructor(message: string) {
    super(`p4 -G output is not valid marshal data: ${message}`);
    this.name = 'MarshalError';
  }
}

const DICT = 0x7b; // {
const NULL = 0x30; // 0
const STRING = 0x73; // s
const INTERNED = 0x74; // t
const UNICODE = 0x75; // u
const INT = 0x69; // i

export class MarshalDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every record completed by them. */
  push(chunk: Buffer): P4Record[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const records: P4Record[] = [];
    let offset = 0;
    for (;;) {
      const parsed = parseRecord(this.pending, offset);
      if (!parsed) break;
      records.push(parsed.record);
      offset = parsed.next;
    }
    // Keep only the unparsed tail, copied so that the big buffer it came from can be released.
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return records;
  }

  /** Bytes received that do not yet form a whole record (non-zero at EOF means truncated output). */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Parses one record at `offset`; undefined when more bytes are needed. Throws on corrupt input. */
function parseRecord(buf: Buffer, offset: number): { record: P4Record; next: number } | undefined {
  if (offset >= buf.length) return undefined;
  if (buf[offset] !== DICT) throw new MarshalError(`expected '{' at byte ${offset}, found 0x${buf[offset]!.toString(16)}`);
  let pos = offset + 1;
  const fields: Record<string, string | number> = {};
  let data: Buffer | undefined;
  for (;;) {
    if (pos >= buf.length) return undefined;
    if (buf[pos] === NULL) {
      pos++;
      break;
    }
    const key = readItem(buf, pos);
    if (!key) return undefined;
    if (typeof key.value === 'number') throw new MarshalError(`integer dictionary key at byte ${pos}`);
    const value = readItem(buf, key.next);
    if (!value) return undefined;
    const name = key.value.toString('utf8');
    if (name === 'data' && Buffer.isBuffer(value.value)) data = value.value;
    else fields[name] = Buffer.isBuffer(value.value) ? value.value.toString('utf8') : value.value;
    pos = value.next;
  }
  const code = fields['code'];
  if (typeof code !== 'string') throw new MarshalError(`record at byte ${offset} has no "code"`);
  return { record: { code, fields, data }, next: pos };
}

function readItem(buf: Buffer, pos: number): { value: Buffer | number; next: number } | undefined {
  const type = buf[pos];
  if (type === undefined) return undefined;
  if (type === INT) return pos + 5 > buf.length ? undefined : { value: buf.readInt32LE(pos + 1), next: pos + 5 };
  if (type === STRING || type === INTERNED || type === UNICODE) {
    if (pos + 5 > buf.length) return undefined;
    const len = buf.readUInt32LE(pos + 1);
    const start = pos + 5;
    if (start + len > buf.length) return undefined;
    return { value: buf.subarray(start, start + len), next: start + len };
  }
  throw new MarshalError(`unsupported item type 0x${type!.toString(16)} at byte ${pos}`);
}
