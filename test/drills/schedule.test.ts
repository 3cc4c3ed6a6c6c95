// RELIABILITY.md C3–C6 through the REST API: reschedule and cancel racing the timer (one post at
// the last accepted time, 409 once publishing), and instants around DST gaps and folds, leap
// days, naive times and `Z` vs `+00:00`.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { post, hashOf } from '../helpers/content';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';
import { captureLogs, reaches, startWorkerWith, withLog } from '../outlets/linkedin/pipeline';
import { assertInvariants, postsFor, sentinelSecrets } from './support/drill';

const FAR = '2031-01-01T09:00:00Z';
// Offsets of the racing call from the due time, in ms: before, at and just after it.
const RACE_OFFSETS = [-300, -100, -30, 0, 40];

describe('schedules through the REST API (C3–C6)', () => {
  const logs = captureLogs('stargue', 'debug');
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;
  let secrets: Map<string, string>;

  before(async () => {
    stack = withLog(await startStack(), logs.log);
    await startWorkerWith(stack, { log: logs.log });
    app = await buildTestApp(stack);
    keys = await createKeys(stack);
    secrets = await sentinelSecrets(stack, keys);
  });
  after(async () => {
    await app.close();
    await stack.close();
  });

  const submit = (id: string, markdown: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/content',
      headers: bearer(keys.integration),
      payload: { id, markdown },
    });
  const act = (id: string, action: string, payload: object = {}) =>
    app.inject({
      method: 'POST',
      url: `/v1/content/${id}/${action}`,
      headers: bearer(keys.editor),
      payload,
    });
  const view = async (id: string) =>
    (
      await app.inject({ method: 'GET', url: `/v1/content/${id}`, headers: bearer(keys.editor) })
    ).json<{
      status: string;
      scheduledAt: string | null;
    }>();
  const until = (at: number) => delay(Math.max(0, at - Date.now()));

  /** Submitted with a far schedule, approved, then moved to `dueAt`: sleeping until then. */
  async function sleepingUntil(prefix: string, dueAt: number) {
    const id = uniqueId(prefix);
    const marker = uniqueId('m');
    const submitted = await submit(id, post({ scheduled: FAR, body: `Race ${marker} #timing` }));
    assert.equal(submitted.statusCode, 202, submitted.body);
    await reaches(stack, id, 'awaiting_approval');
    assert.equal(
      (await act(id, 'approve', { contentHash: await hashOf(stack, id) })).statusCode,
      200,
    );
    const moved = await act(id, 'reschedule', { scheduled: new Date(dueAt).toISOString() });
    assert.equal(moved.statusCode, 200, moved.body);
    return { id, marker };
  }

  it('C3: when a reschedule races the timer, then the item posts once, never before the last accepted time; once publishing, a reschedule is 409', async (t) => {
    const base = Date.now() + 12_000;
    const races = await Promise.all(
      RACE_OFFSETS.map(async (offset, i) => {
        const dueAt = base + i * 700;
        const item = await sleepingUntil('c3', dueAt);
        await until(dueAt + offset);
        const laterAt = dueAt + 4_000;
        const r = await act(item.id, 'reschedule', { scheduled: new Date(laterAt).toISOString() });
        return { ...item, offset, dueAt, laterAt, status: r.statusCode, body: r.body };
      }),
    );
    for (const race of races) {
      await reaches(stack, race.id, 'published', 30_000);
      const posts = await postsFor(stack, race.marker);
      assert.equal(posts.length, 1, `${race.id}: one post`);
      const at = posts[0]?.createdAt ?? 0;
      t.diagnostic(
        `offset ${race.offset} ms: reschedule ${race.status}, posted ${at - race.dueAt} ms after the first due time`,
      );
      if (race.status === 200) {
        assert.ok(at >= race.laterAt, `${race.id}: not before the accepted reschedule`);
      } else {
        assert.equal(race.status, 409, race.body);
        assert.equal(JSON.parse(race.body).error, 'INVALID_STATE');
        assert.ok(at >= race.dueAt && at < race.laterAt, `${race.id}: posted at its first time`);
      }
    }

    // After the timer fired, while the outlet call is in flight: refused.
    const held = await sleepingUntil('c3held', Date.now() + 3_000);
    await stack.standIn.injectFault({ type: 'hold', phase: 'before_create' });
    const request = await stack.standIn.waitForHeldRequest(20_000);
    const late = await act(held.id, 'reschedule', { scheduled: FAR });
    assert.equal(late.statusCode, 409, late.body);
    assert.equal(late.json().error, 'INVALID_STATE');
    await stack.standIn.release(request.id);
    await reaches(stack, held.id, 'published');
    await assertInvariants(
      stack,
      [...races, held].map((r) => ({ marker: r.marker, posts: 'one' as const })),
      { text: logs.text(), secrets },
    );
  });

  it('C4: when a cancel races the timer, then the item is either cancelled with no post, or published and the cancel is 409', async (t) => {
    const base = Date.now() + 12_000;
    const races = await Promise.all(
      RACE_OFFSETS.map(async (offset, i) => {
        const dueAt = base + i * 700;
        const item = await sleepingUntil('c4', dueAt);
        await until(dueAt + offset);
        const r = await act(item.id, 'cancel');
        return { ...item, offset, status: r.statusCode, body: r.body };
      }),
    );
    for (const race of races) {
      const final = await reaches(
        stack,
        race.id,
        (s) => s.status === 'published' || s.status === 'cancelled',
      );
      const posts = await postsFor(stack, race.marker);
      t.diagnostic(`offset ${race.offset} ms: cancel ${race.status} ${race.body}; ${final.status}`);
      if (race.status === 200) {
        assert.equal(JSON.parse(race.body).status, 'cancelled', race.body);
        assert.equal(final.status, 'cancelled');
        assert.equal(posts.length, 0, `${race.id}: cancelled, no post`);
      } else {
        assert.equal(race.status, 409, race.body);
        assert.equal(final.status, 'published');
        assert.equal(posts.length, 1, `${race.id}: published once`);
      }
      // The status mirrored into Postgres settles on the workflow's own.
      await eventually(
        async () => ((await view(race.id)).status === final.status ? true : undefined),
        10_000,
        `${race.id} API status ${final.status}`,
      );
      const row = await stack.db.content.findFirstOrThrow({ where: { contentId: race.id } });
      assert.equal(row.status, final.status, `${race.id}: the row mirrors ${final.status}`);
    }
    await assertInvariants(
      stack,
      races.map((r) => ({ marker: r.marker, posts: 'at_most_one' as const })),
      { text: logs.text(), secrets },
    );
  });

  // Offsets make every wall-clock time an instant, gap or fold alike: what is stored is that
  // instant in UTC (RELIABILITY.md C5). There is no local-time-plus-zone input to reject or ask.
  const INSTANTS: [string, string][] = [
    ['2026-03-08T02:30:00-05:00', '2026-03-08T07:30:00.000Z'], // New York gap, EST offset
    ['2026-03-08T02:30:00-04:00', '2026-03-08T06:30:00.000Z'], // New York gap, EDT offset
    ['2026-11-01T01:30:00-04:00', '2026-11-01T05:30:00.000Z'], // New York fold, first
    ['2026-11-01T01:30:00-05:00', '2026-11-01T06:30:00.000Z'], // New York fold, second
    ['2026-03-29T02:30:00+01:00', '2026-03-29T01:30:00.000Z'], // Paris gap
    ['2026-10-25T02:30:00+02:00', '2026-10-25T00:30:00.000Z'], // Paris fold, first
    ['2026-10-25T02:30:00+01:00', '2026-10-25T01:30:00.000Z'], // Paris fold, second
    ['2026-10-04T02:15:00+10:30', '2026-10-03T15:45:00.000Z'], // Lord Howe 30-min gap
    ['2026-04-05T01:45:00+11:00', '2026-04-04T14:45:00.000Z'], // Lord Howe fold, first
    ['2026-04-05T01:45:00+10:30', '2026-04-04T15:15:00.000Z'], // Lord Howe fold, second
    ['2028-02-29T09:00:00Z', '2028-02-29T09:00:00.000Z'], // leap day
    ['2028-06-01T09:00:00Z', '2028-06-01T09:00:00.000Z'],
    ['2028-06-01T09:00:00+00:00', '2028-06-01T09:00:00.000Z'], // the same instant as Z
  ];
  const REFUSED: [string, string][] = [
    ['2027-02-29T09:00:00Z', 'INVALID_DATETIME'],
    ['2028-06-01T09:00:00', 'NAIVE_DATETIME'],
    ['2028-06-01', 'INVALID_DATETIME'],
    ['2028-06-01T24:00:00Z', 'INVALID_DATETIME'],
  ];

  it('C5/C6: when `scheduled` in the frontmatter carries an offset, then the UTC instant is stored; an impossible date or a naive time is 422', async () => {
    for (const [text, utc] of INSTANTS) {
      const id = uniqueId('c5');
      const r = await submit(id, post({ scheduled: text }));
      assert.equal(r.statusCode, 202, `${text}: ${r.body}`);
      const row = await stack.db.content.findFirstOrThrow({ where: { contentId: id } });
      assert.equal(row.scheduledAt?.toISOString(), utc, text);
      assert.equal((await view(id)).scheduledAt, utc, `${text} as the API shows it`);
    }
    for (const [text, code] of REFUSED) {
      const r = await submit(uniqueId('c6'), post({ scheduled: text }));
      assert.equal(r.statusCode, 422, `${text}: ${r.body}`);
      const body = r.json<{ error: string; issues: { path: string; code: string }[] }>();
      assert.equal(body.error, 'VALIDATION_FAILED');
      assert.deepEqual(
        body.issues.map((i) => [i.path, i.code]),
        [['scheduled', code]],
        text,
      );
    }
  });

  it('C5/C6: when an item is rescheduled with an offset and a zone, then the instant and the zone are stored; an impossible date, a naive time or a bad zone is 422', async () => {
    const id = uniqueId('c5r');
    assert.equal((await submit(id, post({ scheduled: FAR }))).statusCode, 202);
    await reaches(stack, id, 'awaiting_approval');
    for (const [text, utc] of INSTANTS) {
      const r = await act(id, 'reschedule', { scheduled: text, zone: 'America/New_York' });
      assert.equal(r.statusCode, 200, `${text}: ${r.body}`);
      assert.equal((await view(id)).scheduledAt, utc, text);
      const row = await stack.db.content.findFirstOrThrow({ where: { contentId: id } });
      assert.equal(row.scheduledAt?.toISOString(), utc);
      assert.equal(row.scheduledZone, 'America/New_York');
    }
    for (const body of [
      { scheduled: '2027-02-29T09:00:00Z' },
      { scheduled: '2028-06-01T09:00:00' },
      { scheduled: '2028-06-01' },
      { scheduled: '2028-06-01T09:00:00Z', zone: '../etc/passwd' },
      { scheduled: '2028-06-01T09:00:00Z', zone: 'x'.repeat(65) },
      { scheduled: 1_900_000_000_000 },
    ]) {
      const r = await act(id, 'reschedule', body);
      assert.equal(r.statusCode, 422, `${JSON.stringify(body)}: ${r.body}`);
      assert.equal(r.json().error, 'VALIDATION_FAILED');
    }
    // Nothing refused changed the schedule.
    assert.equal((await view(id)).scheduledAt, INSTANTS.at(-1)?.[1]);
  });
});
