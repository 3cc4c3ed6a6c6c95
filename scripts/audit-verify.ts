// `npm run audit:verify`: checks every audit seal's signature and chain, every sealed row
// against its seal, the pre-0004 hash chain and the rows not sealed yet, then the checkpoint kept
// outside the database (AUDIT_CHECKPOINT_DIR, default .data/audit-checkpoints), which it moves to
// the newest seal on success. Exits 1 naming every problem. Flags: see USAGE.
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkCheckpoint,
  checkpointFile,
  readCheckpoint,
  writeCheckpoint,
} from '../platform/audit-checkpoint';
import { verifyKeysFrom } from '../platform/audit-keys';
import { verifyAudit, type AuditProblem } from '../platform/audit-verify';
import { loadConfigKeys } from '../platform/config';
import { createDb } from '../platform/db/client';

const USAGE = `usage: npm run audit:verify [-- options]
  --init-checkpoint          first run: accept a missing or stale checkpoint and write a new one
  --no-checkpoint            neither check nor write the checkpoint
  --checkpoint-max-age DUR   a checkpoint older than this is stale (default 7d)
  --max-unsealed-age DUR     finished rows unsealed while the newest seal is older than this
                             mean the sealer is not running (default 10m; "off" to skip)
  DUR is a number and a unit: 90s, 10m, 12h, 7d`;

function fail(message: string): never {
  process.stderr.write(`audit:verify: ${message}\n`);
  process.exit(1);
}

function duration(flag: string, value: string): number | null {
  if (value === 'off' && flag === 'max-unsealed-age') return null;
  const match = /^(\d{1,6})(s|m|h|d)$/.exec(value);
  if (!match) fail(`--${flag} must be like 90s, 10m, 12h or 7d\n${USAGE}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's'];
  return Number(match[1]) * unit;
}

let flags;
try {
  flags = parseArgs({
    options: {
      'init-checkpoint': { type: 'boolean', default: false },
      'no-checkpoint': { type: 'boolean', default: false },
      'checkpoint-max-age': { type: 'string', default: '7d' },
      'max-unsealed-age': { type: 'string', default: '10m' },
    },
  }).values;
} catch (err) {
  fail(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
}
let config;
try {
  config = loadConfigKeys([
    'DATABASE_URL',
    'AUDIT_VERIFY_KEYS',
    'AUDIT_CHECKPOINT_DIR',
    'AUDIT_CHECKPOINT_KEY',
  ]);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const checkpointMaxAge = duration('checkpoint-max-age', flags['checkpoint-max-age']) ?? 0;
const maxUnsealedAgeMs = duration('max-unsealed-age', flags['max-unsealed-age']);
const useCheckpoint = !flags['no-checkpoint'];
const dir =
  config.AUDIT_CHECKPOINT_DIR ?? path.resolve(import.meta.dirname, '../.data/audit-checkpoints');
const key = config.AUDIT_CHECKPOINT_KEY;
const file = checkpointFile(config.DATABASE_URL, dir);
const db = createDb(config.DATABASE_URL);

const where = (p: AuditProblem) =>
  p.rowId ? `row ${p.rowId}` : p.sealId ? `seal ${p.sealId}` : 'journal';

try {
  const report = await verifyAudit(db, {
    keys: verifyKeysFrom(config.AUDIT_VERIFY_KEYS),
    maxUnsealedAgeMs,
  });
  const problems = report.problems.map((p) => `${where(p)}: ${p.kind}: ${p.message}`);
  if (useCheckpoint) {
    const checkpoint = readCheckpoint(file, key);
    if (checkpoint === 'forged') {
      problems.push(`checkpoint ${file}: not a checkpoint with a valid signature`);
    } else if (checkpoint) {
      const mismatch = await checkCheckpoint(db, checkpoint);
      if (mismatch) problems.push(`checkpoint: ${mismatch}`);
      else if (
        Date.now() - Date.parse(checkpoint.at) > checkpointMaxAge &&
        !flags['init-checkpoint']
      )
        problems.push(
          `checkpoint ${file} of ${checkpoint.at} is stale (older than ${flags['checkpoint-max-age']}): ` +
            'seals cut since then would go unseen; compare the seal count with your records, then pass --init-checkpoint',
        );
    } else if (report.lastSeal && !flags['init-checkpoint']) {
      problems.push(
        `checkpoint ${file} is missing: pass --init-checkpoint on the first run, or --no-checkpoint to skip it`,
      );
    }
  }
  const sealed = report.rows - report.unsealed;
  if (problems.length === 0) {
    let note = 'checkpoint not used';
    if (useCheckpoint && report.lastSeal) {
      writeCheckpoint(file, key, report.lastSeal);
      note = `checkpoint ${file} at seal ${report.lastSeal.id}`;
    } else if (useCheckpoint) note = 'no seal yet, so no checkpoint';
    console.log(
      `audit intact: ${report.rows} rows verified, ${sealed} under ${report.seals} seals, ` +
        `${report.unsealed} not sealed yet; ${note}`,
    );
  } else {
    console.error(
      `audit BROKEN: ${problems.length} problem(s) in ${report.rows} rows and ${report.seals} seals`,
    );
    for (const line of problems.slice(0, 50)) console.error(`  ${line}`);
    if (problems.length > 50) console.error(`  … and ${problems.length - 50} more`);
    process.exitCode = 1;
  }
} catch (err) {
  process.stderr.write(
    `audit:verify: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
  );
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
