/**
 * Protocol conformance, transport: the built bin/o4-agent spawned exactly as the P4 client spawns
 * an agent (see test/fake-p4/altsync-client.ts), fed request lines the way the client writes them.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { AltsyncAgentProcess } from '../fake-p4/altsync-client.js';
import { IDENTITY, P4ALTSYNC, addVars, checkWorkspace, killStrayAgents, startAgent } from '../support/agent-session.js';
import { AGENT_BIN, createSandbox } from '../support/sandbox.js';

const sandboxes: ReturnType<typeof createSandbox>[] = [];
function sandbox() {
  const sb = createSandbox();
  sandboxes.push(sb);
  return sb;
}
afterEach(() => killStrayAgents());
after(() => sandboxes.forEach((sb) => sb.cleanup()));

describe('agent process lifetime', () => {
  it('answers check with altSyncVersion 1 and agentProgram, then exits on quit with stdin still open', async () => {
    const sb = sandbox();
    const agent = startAgent(sb);
    const ex = await agent.request('check', { clientRoot: sb.root });
    assert.equal(ex.verdict.ok, true, ex.raw.toString());
    assert.equal(ex.verdict.fields['altSyncVersion'], 1);
    assert.match(String(ex.verdict.fields['agentProgram']), /^o4-agent \d+\.\d+\.\d+/);
    assert.equal(ex.discarded, 0, 'exactly one line per request');
    const exit = await agent.quit(5000);
    assert.equal(exit.trailing, 0, 'no reply to quit');
    assert.equal(exit.code, 0);
    assert.ok(exit.ms < 2000, `exit took ${exit.ms} ms`);
  });

  it('exits at end of input (p4 killed)', async () => {
    const sb = sandbox();
    const agent = startAgent(sb);
    await checkWorkspace(agent, sb.root);
    const exit = await agent.closeInput(5000);
    assert.ok(exit, 'agent must exit at EOF');
    assert.equal(exit.code, 0);
  });

  it('works without ever seeing check (a re-spawned agent), placing the workspace from clientFile', async () => {
    const sb = sandbox();
    const agent = startAgent(sb);
    const ex = await agent.request('add', addVars(sb.root, 'src/first.c'));
    assert.equal(ex.verdict.ok, true, ex.raw.toString());
    const cf = await agent.request('checkFile', { path: `${sb.root}/src/first.c`, digest: addVars(sb.root, 'src/first.c')['digest']! });
    assert.equal(cf.verdict.fields['checkFile'], 'same');
    await agent.quit();
  });

  it('keeps serving after every kind of bad request, one error line each', async () => {
    const sb = sandbox();
    const agent = startAgent(sb);
    await checkWorkspace(agent, sb.root);
    const bad: Array<[string | Buffer, RegExp]> = [
      ['{"altSync":"add",', /malformed JSON request/],
      ['not json at all', /malformed JSON request/],
      ['[1,2,3]', /not a JSON object/],
      ['"check"', /not a JSON object/],
      ['{"client":"x","port":"y"}', /no "altSync" key/],
      ['{"altSync":17}', /"altSync" must name a command/],
      ['{"altSync":"hydrate","client":"c","port":"p"}', /Unknown P4ALTSYNC command: "hydrate"/],
      ['', /malformed JSON request/],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /malformed JSON request/],
      [
        `{"altSync":"add","client":"${IDENTITY.client}","port":"${IDENTITY.port}","path":"/etc/passwd","depotFile":"//depot/x","rev":1}`,
        /outside the workspace root/,
      ],
      [
        `{"altSync":"add","client":"${IDENTITY.client}","port":"${IDENTITY.port}","path":"${sb.root}/caf\uFFFD.c","depotFile":"//depot/x","rev":1}`,
        /U\+FFFD/,
      ],
      [
        `{"altSync":"add","client":"${IDENTITY.client}","port":"${IDENTITY.port}","path":"relative/x.c","depotFile":"//depot/x","rev":1}`,
        /not an absolute path/,
      ],
      [`{"altSync":"add","client":"${IDENTITY.client}","port":"${IDENTITY.port}","path":"${sb.root}/x.c","rev":1}`, /add: missing "depotFile"/],
      [
        `{"altSync":"add","client":"${IDENTITY.client}","port":"${IDENTITY.port}","path":"${sb.root}/x.c","depotFile":"//d/x","rev":"abc"}`,
        /"rev" must be an integer/,
      ],
      [
        `{"altSync":"add","client":"${IDENTITY.client}","port":"${IDENTITY.port}","path":{"a":1},"depotFile":"//d/x","rev":1}`,
        /"path" must be a string/,
      ],
      [
        `{"altSync":"move","client":"${IDENTITY.client}","port":"${IDENTITY.port}","path":"${sb.root}/nope.c","path2":"${sb.root}/nope2.c"}`,
        /nope.c - file does not exist/,
      ],
      [`{"altSync":"checkFile","client":"${IDENTITY.client}","port":"${IDENTITY.port}"}`, /checkFile: missing "path"/],
    ];
    for (const [line, expected] of bad) {
      const ex = await agent.sendLine(line, 'add');
      assert.equal(ex.verdict.ok, false, `${String(line)} → ${ex.raw.toString()}`);
      assert.ok(!('message' in ex.verdict) || ex.verdict.message?.startsWith('AltSync Error: '), ex.raw.toString());
      const fields = ex.verdict.fields;
      assert.equal(typeof fields['error'], 'string', 'error is always a string');
      assert.equal(fields['result'], false);
      assert.match(String(fields['error']), expected);
      assert.equal(ex.discarded, 0);
    }
    // And it is still alive and correct.
    const ok = await agent.request('add', addVars(sb.root, 'after-errors.c'));
    assert.equal(ok.verdict.ok, true, ok.raw.toString());
    assert.equal((await agent.quit()).code, 0);
  });

  it('accepts keys in any order, unknown extra keys, CRLF line ends and a digest mangled into an integer', async () => {
    const sb = sandbox();
    const agent = startAgent(sb);
    await checkWorkspace(agent, sb.root);
    // 32 decimal digits: the client wraps it modulo 2^64 into a signed integer token.
    const vars = addVars(sb.root, 'digits.bin', { digest: '12345678901234567890123456789012', someFutureKey: 'x' });
    const add = await agent.request('add', vars);
    assert.match(add.request, /"digest":-?\d{16,}[,}]/, 'the client sends the digest as a wrapped integer beyond 2^53');
    assert.equal(add.verdict.ok, true, add.raw.toString());
    const same = await agent.request('checkFile', { path: `${sb.root}/digits.bin`, digest: '12345678901234567890123456789012' });
    assert.equal(same.verdict.fields['checkFile'], 'same', 'the raw integer token round-trips exactly');
    const reordered = `{"path":"${sb.root}/digits.bin","zzz":[1,{"n":null}],"port":"${IDENTITY.port}","client":"${IDENTITY.client}","altSync":"checkFile","digest":"0123456789abcdef0123456789abcdef"}\r`;
    const ex = await agent.sendLine(reordered, 'checkFile');
    assert.equal(ex.verdict.ok, true, ex.raw.toString());
    assert.equal(ex.verdict.fields['checkFile'], 'virtual');
    await agent.quit();
  });

  it('never writes anything but reply lines, even with debug logging and stray warnings', async () => {
    const sb = sandbox();
    // NODE_OPTIONS with a deprecated flag makes Node itself want to warn on stderr.
    const agent = startAgent(sb, { env: { ...sb.env, O4_AGENT_LOG_LEVEL: 'trace', NODE_OPTIONS: '--trace-warnings' } });
    await checkWorkspace(agent, sb.root);
    for (let i = 0; i < 20; i++) {
      const ex = await agent.request('add', addVars(sb.root, `many/f${i}.c`));
      assert.equal(ex.raw.toString(), '{"result":true}');
      assert.equal(ex.discarded, 0);
    }
    const exit = await agent.quit();
    assert.equal(exit.trailing, 0);
    assert.equal(agent.shellStderr, '');
    const log = readFileSync(join(sb.home, 'log', 'o4-agent.log'), 'utf8');
    assert.match(log, /"msg":"request"/, 'debug records go to the log file');
  });
});

describe('P4ALTSYNC command line', () => {
  it('runs from a quoted path with spaces and expands %P4CLIENT%/%P4PORT% and $home', async () => {
    const sb = sandbox();
    const dir = join(sb.dir, 'my tools');
    mkdirSync(dir);
    symlinkSync(AGENT_BIN, join(dir, 'o4 agent'));
    const agent = startAgent(sb, {
      p4altsync: `"${dir}/o4 agent" altsync --home "$home/state" --label %P4CLIENT%@%P4PORT%`,
      env: { ...sb.env, HOME: sb.dir },
    });
    assert.deepEqual(agent.argv, [`${dir}/o4 agent`, 'altsync', '--home', `${sb.dir}/state`, '--label', `${IDENTITY.client}@${IDENTITY.port}`]);
    const ex = await agent.request('check', { clientRoot: sb.root });
    assert.equal(ex.verdict.ok, true, ex.raw.toString());
    await agent.quit();
    // --home put the ledger and the captured stderr under $home/state, not O4_AGENT_HOME.
    readFileSync(join(sb.dir, 'state', 'ledger.sqlite'));
    readFileSync(join(sb.dir, 'state', 'log', 'stderr.log'));
    // Logs hold paths and request lines: private to the user whatever the umask.
    assert.equal(statSync(join(sb.dir, 'state', 'log')).mode & 0o777, 0o700);
    assert.equal(statSync(join(sb.dir, 'state', 'log', 'stderr.log')).mode & 0o777, 0o600);
  });

  it('answers every request with a clear error on an unknown option instead of guessing', async () => {
    const sb = sandbox();
    const agent = startAgent(sb, { p4altsync: `${P4ALTSYNC} --hom /tmp` });
    const ex = await agent.request('check', { clientRoot: sb.root });
    assert.equal(ex.verdict.ok, false);
    assert.match(String(ex.verdict.fields['error']), /unknown option "--hom"/);
    assert.equal((await agent.quit()).code, 0);
  });

  it('still answers with a JSON error when node cannot be found', async () => {
    const sb = sandbox();
    const agent = startAgent(sb, { env: { ...sb.env, O4_AGENT_NODE: '/nonexistent/node' } });
    const ex = await agent.request('check', { clientRoot: sb.root });
    assert.equal(ex.verdict.ok, false);
    assert.match(String(ex.verdict.fields['error']), /cannot find node/);
    assert.equal((await agent.quit()).code, 0);
  });

  it('answers with valid JSON when not built, even from a path with quotes and backslashes', async () => {
    const sb = sandbox();
    const odd = join(sb.dir, 'in "quotes" and \\back', 'bin');
    mkdirSync(odd, { recursive: true });
    copyFileSync(AGENT_BIN, join(odd, 'o4-agent'));
    chmodSync(join(odd, 'o4-agent'), 0o755);
    // P4ALTSYNC quoting as the client splits it: "..." groups, "" is a literal quote.
    const agent = startAgent(sb, { p4altsync: `"${join(odd, 'o4-agent').replace(/"/g, '""')}" altsync` });
    const ex = await agent.request('check', { clientRoot: sb.root });
    assert.equal(ex.verdict.ok, false, ex.raw.toString());
    assert.match(String(ex.verdict.fields['error']), /not built: run 'npm ci'.* in .*in "quotes" and \\back/);
    assert.equal((await agent.quit()).code, 0);
  });

  it('reports a broken configuration file on every request, including check', async () => {
    const sb = sandbox();
    mkdirSync(sb.home, { recursive: true });
    writeFileSync(join(sb.home, 'config.json'), '{"placeholders":{"mode":"sometimes"}}');
    const agent = startAgent(sb);
    const ex = await agent.request('check', { clientRoot: sb.root });
    assert.equal(ex.verdict.ok, false);
    assert.match(String(ex.verdict.fields['error']), /config\.json is invalid at placeholders\.mode/);
    const again = await agent.request('add', addVars(sb.root, 'x.c'));
    assert.equal(again.verdict.ok, false);
    assert.equal((await agent.quit()).code, 0);
  });
});

describe('client-side encoding helpers used by this suite', () => {
  it('types values as the client does', async () => {
    const { typeValue, expandVariables, splitWords } = await import('../fake-p4/altsync-client.js');
    assert.deepEqual(typeValue('0'), { kind: 'int', token: '0' });
    assert.deepEqual(typeValue('007'), { kind: 'string', value: '007' });
    assert.deepEqual(typeValue('-05'), { kind: 'int', token: '-5' });
    assert.deepEqual(typeValue(' 7'), { kind: 'int', token: '7' });
    assert.deepEqual(typeValue('+5'), { kind: 'int', token: '5' });
    assert.deepEqual(typeValue('True'), { kind: 'string', value: 'True' });
    assert.deepEqual(typeValue('true'), { kind: 'bool', value: true });
    assert.deepEqual(typeValue('1.5'), { kind: 'string', value: '1.5' });
    assert.deepEqual(typeValue('18446744073709551617'), { kind: 'int', token: '1' }, 'wraps past 64 bits');
    assert.equal(expandVariables('agent 50%', {}), 'agent 50');
    assert.equal(expandVariables('a %%b %x% %P4CLIENT%', { P4CLIENT: 'ws' }), 'a %b %x% ws');
    assert.deepEqual(splitWords('"/opt/my agent/bin" --flag ""quoted""  x'), ['/opt/my agent/bin', '--flag', '"quoted"', 'x']);
    assert.ok(AltsyncAgentProcess);
  });
});
