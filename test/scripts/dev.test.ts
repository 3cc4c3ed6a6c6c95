import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyKeysFrom } from '../../platform/audit-keys';
import { verifyAudit } from '../../platform/audit-verify';
import { createDb } from '../../platform/db/client';
import { startEmbeddedPostgres } from '../../platform/dev/embedded-postgres';
import { freePort } from '../../platform/dev/temporal-cli';
import { createStargueClient } from '../../sdk/client';
import { connectLinkedInStandIn } from '../standin/linkedin';
import { post } from '../helpers/content';
import { eventually, uniqueId } from '../helpers/stack';

const root = path.resolve(import.meta.dirname, '../..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('npm run dev', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stargue-dev-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when started offline, then it prints URLs and keys, publishes an approved item, and Ctrl-C (twice) stops it quietly, leaving nothing behind', async () => {
    const ports = {
      temporal: await freePort(),
      ui: await freePort(),
      pg: await freePort(),
      api: await freePort(),
    };
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.TEMPORAL_ADDRESS;
    delete env.LINKEDIN_CLIENT_ID;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
      cwd: root,
      env: {
        ...env,
        STARGUE_DATA_DIR: dataDir,
        // Not the developer's own .env.
        STARGUE_ENV_FILE: '',
        API_PORT: String(ports.api),
        DEV_TEMPORAL_PORT: String(ports.temporal),
        DEV_TEMPORAL_UI_PORT: String(ports.ui),
        DEV_PG_PORT: String(ports.pg),
        AUDIT_SEAL_INTERVAL_MS: '200',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so Ctrl-C can be sent as a terminal sends it: to every process.
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      await eventually(
        async () => (out.includes('Press Ctrl-C') ? true : undefined),
        120_000,
        `dev to start:\n${out}`,
      );
      const apiUrl = /API\s+(http:\/\/\S+)/.exec(out)?.[1];
      const editorKey = /editor\s+(stg_\S+)/.exec(out)?.[1];
      const integrationKey = /integration\s+(stg_\S+)/.exec(out)?.[1];
      const standInUrl = /stand-in at (http:\/\/\S+)/.exec(out)?.[1];
      assert.ok(apiUrl && editorKey && integrationKey && standInUrl, out);
      assert.match(out, /Temporal UI\s+http:\/\/127\.0\.0\.1:\d+/);
      assert.match(out, /API docs\s+http/);

      const feed = createStargueClient({ baseUrl: apiUrl, apiKey: integrationKey });
      const editor = createStargueClient({ baseUrl: apiUrl, apiKey: editorKey });
      const id = uniqueId('dev');
      const marker = uniqueId('hello');
      await feed.submit({ id, markdown: post({ body: `Hello from npm run dev ${marker}` }) });
      await eventually(
        async () => ((await editor.get(id)).status === 'awaiting_approval' ? true : undefined),
        60_000,
      );
      await editor.approve(id, { contentHash: (await editor.preview(id)).contentHash });
      const done = await eventually(async () => {
        const view = await editor.get(id);
        return view.status === 'published' ? view : undefined;
      }, 60_000);
      const ledger = await connectLinkedInStandIn(standInUrl).ledger();
      const posted = ledger.filter((p) => p.commentary.includes(marker));
      assert.equal(posted.length, 1);
      assert.equal(posted[0]?.urn, done.publications[0]?.postUrn);
    } finally {
      process.kill(-(child.pid ?? 0), 'SIGINT');
      // Impatient hands, or npm passing the signal on: a second Ctrl-C mid-stop changes nothing.
      await eventually(async () => (out.includes('stopping…') ? true : undefined), 30_000);
      process.kill(-(child.pid ?? 0), 'SIGINT');
      const code = await exited;
      assert.equal(code, 0, out);
    }
    const afterCtrlC = out.slice(
      out.indexOf('Press Ctrl-C to stop.') + 'Press Ctrl-C to stop.'.length,
    );
    assert.equal(afterCtrlC.trim(), 'stopping…', 'a quiet stop: no error, no warning');
    for (const [name, port] of Object.entries(ports))
      assert.equal(await portOpen(port), false, `${name} port ${port} still open`);

    // The development worker sealed the journal with the key the banner names.
    const [keyId = '', publicKey = ''] = /AUDIT_VERIFY_KEYS=(\S+)/.exec(out)?.[1]?.split(':') ?? [];
    const pg = await startEmbeddedPostgres(path.join(dataDir, 'postgres'), await freePort());
    const db = createDb(pg.url, { max: 1 });
    try {
      const report = await verifyAudit(db, {
        keys: verifyKeysFrom([{ id: keyId, key: publicKey }]),
        maxUnsealedAgeMs: null,
      });
      assert.deepEqual(report.problems, []);
      assert.ok(report.seals > 0, `no seal in ${report.rows} rows`);
    } finally {
      await db.$disconnect();
      await pg.stop();
    }
  });
});
