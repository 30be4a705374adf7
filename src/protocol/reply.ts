/**
 * Reply encoding. Replies are strict even though requests are read tolerantly: `result` is a
 * boolean, `error` is always a non-empty string on failure (a non-string `error` crashes the P4
 * client), and every reply is exactly one line of valid UTF-8.
 */
export type ReplyValue = string | number | boolean;
export type ReplyFields = Readonly<Record<string, ReplyValue>>;

export const OK_LINE = '{"result":true}\n';

export function okLine(fields?: ReplyFields): string {
  if (!fields) return OK_LINE;
  return `${JSON.stringify({ result: true, ...fields })}\n`;
}

export function errorLine(message: string): string {
  const text = toWellFormed(message).trim() || 'o4-agent: request failed';
  return `${JSON.stringify({ result: false, error: text })}\n`;
}

/** Lone UTF-16 surrogates would be encoded as escapes the client's JSON parser rejects. */
function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
