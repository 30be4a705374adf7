/**
 * Several agent processes on one ledger at once, as with parallel p4 commands or several P4V
 * connections: no request may fail with "database is locked", and the counters must stay exact.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { addVars, checkWorkspace, killStrayAgents, startAgent } from '../support/agent-session.js';
import { readLedger } from '../support/ledger-view.js';
import { createSandbox } from '../support/sandbox.js';

const sb = createSandbox();
afterEach(() => killStrayAgents());
after(() => sb.cleanup());

describe('concurrent agents', () => {
  it('four agents writing the same ledger and workspace interleave without a single failure', async () => {
    const AGENTS = 4;
    const FILES = 150;
    const agents = Array.from({ length: AGENTS }, () => startAgent(sb));
    await Promise.all(agents.map((a) => checkWorkspace(a, sb.root)));
    const failures: string[] = [];
    await Promise.all(
      agents.map(async (agent, n) => {
        for (let i = 0; i < FILES; i++) {
          const rel = `agent${n}/dir${i % 7}/f${i}.c`;
          const steps: Array<[string, Record<string, string>]> = [
            ['add', addVars(sb.root, rel, { fileSize: '100' })],
            ['checkFile', { path: join(sb.root, rel), digest: addVars(sb.root, rel)['digest']! }],
          ];
          if (i % 5 === 0) steps.push(['delete', { path: join(sb.root, rel), rmdir: '1' }]);
          if (i % 5 === 1) steps.push(['move', { path: join(sb.root, rel), path2: join(sb.root, `moved/${n}/${i}.c`), rmdir: '1' }]);
          for (const [cmd, vars] of steps) {
            const ex = await agent.request(cmd, vars);
            if (!ex.verdict.ok) failures.push(`${cmd} ${rel}: ${ex.raw.toString()}`);
            if (cmd === 'checkFile' && ex.verdict.fields['checkFile'] !== 'same') failures.push(`checkFile ${rel}: ${ex.raw.toString()}`);
          }
        }
      }),
    );
    await Promise.all(agents.map((a) => a.quit()));
    assert.deepEqual(failures, []);
    const ledger = readLedger(sb.home);
    const expected = AGENTS * (FILES - FILES / 5);
    assert.equal(ledger.files.length, expected);
    assert.deepEqual(
      ledger.counts.map((c) => [c['state'], c['files'], c['bytes']]),
      [['placeholder', expected, expected * 100]],
    );
    assert.equal(ledger.workspaces.length, 1);
  });
});
