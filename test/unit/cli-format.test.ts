import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import stringWidth from 'string-width';
import { formatBytes, formatCount } from '../../src/cli/format.js';
import textWidth from '../../src/cli/text-width.js';

describe('CLI text layout', () => {
  it('textWidth agrees with string-width, which it stands in for in the CLI bundle', () => {
    const samples = [
      '',
      'status [path]',
      '  --home     state directory (default: $O4_AGENT_HOME or ~/.local/state/o4-agent)',
      'daemon: not running \u2014 local edits',
      'caf\u00e9 d\u00e9j\u00e0',
      '\u65e5\u672c\u8a9e\u30d5\u30a1\u30a4\u30eb',
      'e\u0301 combining',
      '\u001b[31mred\u001b[39m',
      'tab\there',
      '\ud83d\udc4d\ud83c\udffd emoji',
    ];
    for (const s of samples) assert.equal(textWidth(s), stringWidth(s), JSON.stringify(s));
  });

  it('formatCount groups thousands without locale data, formatBytes rounds', () => {
    assert.deepEqual([0, 7, 999, 1000, 12345, 1_000_000, 123_456_789].map(formatCount), [
      '0',
      '7',
      '999',
      '1,000',
      '12,345',
      '1,000,000',
      '123,456,789',
    ]);
    assert.equal(formatCount(-4200), (-4200).toLocaleString('en-US'));
    assert.equal(formatBytes(28.776978417266186), '29 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(250 * 2 ** 20), '250 MiB');
  });
});
