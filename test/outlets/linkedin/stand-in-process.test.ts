import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createLinkedInClient } from '../../../outlets/linkedin';
import {
  connectLinkedInStandIn,
  DEFAULT_CLIENT,
  type StandInControl,
} from '../../standin/linkedin';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('the stand-in as its own process', () => {
  let child: ChildProcess;
  let url: string;
  let control: StandInControl;
  before(async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/standin/main.ts', '--port', '0', '--active-versions', '202609'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout! });
    const [line] = (await once(lines, 'line')) as [string];
    lines.close();
    url = (JSON.parse(line) as { url: string }).url;
    control = connectLinkedInStandIn(url);
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('when driven over /_standin, then tokens, faults and the ledger work across processes', async () => {
    const client = createLinkedInClient({
      apiBase: url,
      oauthBase: `${url}/oauth/v2`,
      version: '202609',
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      redirectUri: DEFAULT_CLIENT.redirectUris[0] ?? '',
      requestTimeoutMs: 2000,
    });
    const token = await control.issueToken({ scopes: ['w_member_social'] });
    const input = {
      accessToken: token.accessToken,
      author: `urn:li:person:${token.sub}`,
      commentary: 'across processes',
    };
    const fault = await control.injectFault({ type: 'reset_after_create' });
    assert.deepEqual(
      (await control.faults()).map((pending) => pending.id),
      [fault.id],
    );
    const first = await client.createPost(input);
    assert.equal(first.kind === 'unknown' && first.reason, 'network');
    const [post, ...others] = await control.ledger();
    assert.equal(others.length, 0);
    assert.deepEqual(await client.createPost(input), { kind: 'duplicate', urn: post?.urn });

    await control.injectFault({ type: 'hold', phase: 'before_create' });
    const pending = client.createPost({ ...input, commentary: 'held remotely' });
    const held = await control.waitForHeldRequest();
    assert.equal(await control.release(held.id), 1);
    assert.equal((await pending).kind, 'created');
    assert.equal((await control.ledger()).length, 2);
  });

  it('when a control call is invalid, then the stand-in answers 400 with the issues', async () => {
    const response = await fetch(`${url}/_standin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'meteor_strike' }),
    });
    assert.equal(response.status, 400);
    await assert.rejects(control.expireToken('AQ-unknown'), /400/);
  });

  it('when sent SIGTERM, then it closes and exits 0', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});
