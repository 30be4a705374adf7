/**
 * The transport floor for the altsync benchmark: a Node agent that answers every request line with
 * `{"result":true}` through the same line reader and reply writer as o4-agent, and does nothing else.
 */
import { FdLineReader } from '../src/protocol/line-reader.js';
import { FdReplyWriter } from '../src/protocol/reply-writer.js';

const reader = new FdLineReader(0);
const writer = new FdReplyWriter(1);
for (let line = reader.next(); line !== null; line = reader.next()) {
  if (line.includes('"altSync":"quit"')) break;
  if (!writer.write('{"result":true}\n')) break;
}
