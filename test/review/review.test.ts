// The review page in a real browser (Debian's Chromium driven by playwright-core) against the
// real stack: API, worker, Temporal dev server, Postgres and the LinkedIn stand-in. Playwright
// gives each launch a fresh, throw-away profile directory.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { bearer, buildTestApp, createKeys, type Keys } from '../helpers/api';
import { browserSuite, NO_CHROMIUM } from '../helpers/browser';
import { inSeconds, post } from '../helpers/content';
import { pdf, png } from '../helpers/media';
import { eventually, startStack, uniqueId, type Stack } from '../helpers/stack';

const BROWSER = browserSuite();
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
const ROOT = path.resolve(import.meta.dirname, '../..');
// Screenshots for docs/ are rewritten only when asked: STARGUE_SCREENSHOTS=1 npm test -- test/review
const SHOTS = process.env.STARGUE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs') : null;

describe('review page in Chromium, real stack', { skip: BROWSER.skip }, () => {
  let stack: Stack;
  let app: FastifyInstance;
  let keys: Keys;
  let base: string;
  let browser: Browser;
  let editor: BrowserContext;
  let page: Page;

  const api = async (method: string, url: string, key: string, payload?: object) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: bearer(key),
      ...(payload ? { payload } : {}),
    });
    return response;
  };
  const submit = async (id: string, markdown: string) => {
    const r = await api('POST', '/v1/content', keys.integration, { id, markdown });
    assert.equal(r.statusCode, 202, r.body);
  };
  const statusOf = async (id: string, version?: number) =>
    (
      await api('GET', `/v1/content/${id}${version ? `?version=${version}` : ''}`, keys.editor)
    ).json<{
      status: string;
      scheduledAt: string | null;
    }>();
  const reaches = (id: string, wanted: string, version?: number) =>
    eventually(
      async () => ((await statusOf(id, version)).status === wanted ? true : undefined),
      60_000,
      `${id} ${wanted}`,
    );

  async function signIn(context: BrowserContext, key: string): Promise<Page> {
    context.setDefaultTimeout(30_000);
    const p = await context.newPage();
    p.on('pageerror', (error) => console.error(`review page error: ${error.message}`));
    await p.goto(`${base}/review`);
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Queue' }).waitFor();
    return p;
  }

  const ids = {
    approve: uniqueId('rv-approve'),
    reject: uniqueId('rv-reject'),
    reschedule: uniqueId('rv-resched'),
    conflict: uniqueId('rv-conflict'),
  };
  const APPROVE_BODY_V1 = 'Spring launch draft.\n\nMore soon. #launch';
  const APPROVE_BODY_V2 =
    'Spring launch is here (finally)!\n\nRead the notes at https://example.com/notes #launch #Stargue';

  before(async () => {
    assert.ok(BROWSER.chromium, `CI runs the browser tests: ${NO_CHROMIUM}`);
    stack = await startStack();
    await stack.startWorker();
    app = await buildTestApp(stack);
    keys = await createKeys(stack);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    assert.ok(address && typeof address === 'object');
    base = `http://127.0.0.1:${address.port}`;

    await submit(ids.approve, post({ body: APPROVE_BODY_V1 }));
    await submit(ids.approve, post({ version: 2, body: APPROVE_BODY_V2 }));
    await submit(ids.reject, post({ body: 'Not our best post. #oops' }));
    await submit(ids.reschedule, post({ scheduled: inSeconds(3600), body: 'Later today. #soon' }));
    await submit(ids.conflict, post({ body: 'Someone else decides this one.' }));
    await reaches(ids.approve, 'awaiting_approval', 2);
    await reaches(ids.reject, 'awaiting_approval');
    await reaches(ids.reschedule, 'awaiting_approval');
    await reaches(ids.conflict, 'awaiting_approval');

    browser = await chromium.launch({
      executablePath: BROWSER.chromium,
      args: ARGS,
      headless: true,
    });
    editor = await browser.newContext({
      timezoneId: 'Europe/Paris',
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
    });
    page = await signIn(editor, keys.editor);
  });

  after(async () => {
    if (!BROWSER.chromium) return; // nothing was started
    await api('PUT', '/v1/kill-switch', keys.operator, { engaged: false });
    await browser?.close();
    await app.close();
    await stack.close();
  });

  it('when an editor signs in, then the key is exchanged for an httpOnly SameSite cookie and never stored', async () => {
    const cookies = await editor.cookies();
    const cookie = cookies.find((c) => c.name === 'stargue_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.notEqual(cookie.value, keys.editor);
    const stored = await page.evaluate(
      () =>
        JSON.stringify({ ...localStorage }) +
        JSON.stringify({ ...sessionStorage }) +
        document.cookie,
    );
    assert.ok(!stored.includes(keys.editor), 'the key is not in browser storage');
    // A state change without the CSRF header is refused even with the cookie.
    const refused = await page.evaluate(async (id) => {
      const r = await fetch(`/v1/content/${id}/reject`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'forged' }),
      });
      return { status: r.status, body: (await r.json()) as { error: string } };
    }, ids.reject);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'CSRF_FAILED');
    const integration = await app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { apiKey: keys.integration },
    });
    assert.equal(integration.statusCode, 403, 'integration keys cannot sign in');
    // A reload keeps the session (GET /v1/session gives the page its CSRF token again).
    await page.reload();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
  });

  it('when the queue is open, then it lists items newest first with their details and refreshes by itself', async () => {
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    const order = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    assert.ok(
      order.indexOf(ids.conflict) < order.indexOf(ids.approve),
      `newest first: ${order.join(',')}`,
    );
    const row = page.locator(`tr[data-id="${ids.reschedule}"]`);
    const scheduled = await statusOf(ids.reschedule);
    const time = row.locator('td[data-label="Scheduled"] time');
    assert.equal(await time.getAttribute('datetime'), scheduled.scheduledAt);
    assert.match((await time.getAttribute('title')) ?? '', / UTC$/);
    assert.match((await time.textContent()) ?? '', /CES?T|GMT\+[12]/);
    assert.match((await row.textContent()) ?? '', /en-GB/);
    assert.match((await row.textContent()) ?? '', /linkedin/);
    assert.match((await row.textContent()) ?? '', /v1/);

    const late = uniqueId('rv-late');
    await submit(late, post({ body: 'Arrived while the page was open.' }));
    await page.locator(`tr[data-id="${late}"]`).waitFor({ timeout: 60_000 });

    await page.getByLabel('Status').selectOption('rejected');
    await eventually(
      async () => ((await page.locator(`tr[data-id="${late}"]`).count()) === 0 ? true : undefined),
      30_000,
      'filter applied',
    );
    await page.getByLabel('Status').selectOption('awaiting_approval');
    await page.locator(`tr[data-id="${late}"]`).waitFor();
    if (SHOTS)
      await page.screenshot({ path: path.join(SHOTS, 'review-queue.png'), fullPage: true });
  });

  it('when an item is opened and approved, then the stand-in receives exactly the previewed text', async () => {
    await page.locator(`tr[data-id="${ids.approve}"] a`).first().click();
    await page.getByRole('heading', { name: 'As LinkedIn shows it' }).waitFor();
    const text = page.locator('.post-text').first();
    assert.equal(
      await text.innerText(),
      'Spring launch is here (finally)!\n\nRead the notes at https://example.com/notes #launch #Stargue',
    );
    assert.equal(await text.locator('a', { hasText: '#launch' }).count(), 1);
    assert.equal(await text.locator('a', { hasText: 'https://example.com/notes' }).count(), 1);
    const commentary = await text.getAttribute('data-commentary');
    const preview = (await api('GET', `/v1/content/${ids.approve}/preview`, keys.editor)).json<{
      outlets: { text: string; length: number }[];
    }>();
    assert.equal(commentary, preview.outlets[0]?.text);
    assert.match(
      (await page.locator('.count').first().textContent()) ?? '',
      new RegExp(`^${preview.outlets[0]?.length} / 3,000 characters`),
    );
    assert.match(
      (await page.locator('#source-markdown').textContent()) ?? '',
      /^---\nstatus: ready/,
    );
    const diff = page.locator('pre.diff');
    assert.match((await diff.locator('del').allTextContents()).join('\n'), /Spring launch draft\./);
    assert.match((await diff.locator('ins').allTextContents()).join('\n'), /Spring launch is here/);
    assert.match((await page.locator('ol.audit').textContent()) ?? '', /submitted|awaiting/i);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'review-item.png'), fullPage: true });

    await page.getByLabel('Note (optional)').fill('Looks right.');
    await page.getByRole('button', { name: 'Approve v2' }).click();
    await page.getByText('Approved', { exact: false }).first().waitFor();
    await reaches(ids.approve, 'published', 2);
    const view = (await api('GET', `/v1/content/${ids.approve}?version=2`, keys.editor)).json<{
      publications: { postUrn: string }[];
      approvals: { actor: string; note: string }[];
    }>();
    const ledger = await stack.standIn.ledger();
    const sent = ledger.find((p) => p.urn === view.publications[0]?.postUrn);
    assert.equal(sent?.commentary, commentary, 'the stand-in received the previewed text');
    assert.equal(view.approvals[0]?.note, 'Looks right.');
    // The page follows the item without a reload and explains why the buttons are now off.
    await page.locator('#item-status', { hasText: 'published' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('button', { name: 'Approve v2' }).isDisabled(), true);
    assert.match((await page.locator('#approve-why').textContent()) ?? '', /published/);
  });

  it('when an item is rejected, then a reason is required and the buttons then say why they are off', async () => {
    await page.goto(`${base}/review#/item/${ids.reject}`);
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('A reason is required').waitFor();
    assert.equal((await statusOf(ids.reject)).status, 'awaiting_approval');
    await page.getByLabel('Reason (required)').fill('Off-brand tone.');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.locator('.notice', { hasText: 'Rejected' }).waitFor();
    await reaches(ids.reject, 'rejected');
    assert.equal(await page.getByRole('button', { name: 'Approve v1' }).isDisabled(), true);
    assert.match((await page.locator('#reject-why').textContent()) ?? '', /rejected/);
    assert.match((await page.locator('#reschedule-why').textContent()) ?? '', /rejected/);
  });

  it('when an item is rescheduled in an explicit time zone, then the instant is exact', async () => {
    await page.goto(`${base}/review#/item/${ids.reschedule}`);
    await page.getByLabel('Time zone').selectOption('America/New_York');
    await page.getByLabel('New date and time').fill('2030-01-02T09:30');
    assert.match(
      (await page.locator('#reschedule-utc').textContent()) ?? '',
      /2030-01-02 14:30 UTC/,
    );
    await page.getByRole('button', { name: 'Reschedule' }).click();
    await page.locator('.notice', { hasText: 'Rescheduled' }).waitFor();
    const view = await statusOf(ids.reschedule);
    assert.equal(view.scheduledAt, '2030-01-02T14:30:00.000Z');
    assert.equal(view.status, 'awaiting_approval');
  });

  it('when someone else decided first, then the 409 is shown as a readable message', async () => {
    await page.goto(`${base}/review#/item/${ids.conflict}`);
    await page.getByRole('button', { name: 'Approve v1' }).waitFor();
    const other = await api('POST', `/v1/content/${ids.conflict}/reject`, keys.editor, {
      reason: 'decided elsewhere',
    });
    assert.equal(other.statusCode, 200);
    await page.getByRole('button', { name: 'Approve v1' }).click();
    const alert = page.locator('.notice [role="alert"]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /^Not possible any more/);
  });

  it('when an operator engages the kill switch from the page, then a reason is required and everyone sees the banner', async () => {
    const operator = await browser.newContext({ timezoneId: 'UTC' });
    const op = await signIn(operator, keys.operator);
    await op.getByRole('button', { name: 'Engage kill switch…' }).click();
    const dialog = op.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Engage kill switch' }).click();
    await dialog.getByText('Give a reason').waitFor();
    await dialog.getByLabel('Reason (required)').fill('LinkedIn incident drill');
    await dialog.getByRole('button', { name: 'Engage kill switch' }).click();
    await op.locator('#kill-switch-banner', { hasText: 'LinkedIn incident drill' }).waitFor();
    // The editor's page shows it on its next refresh, without a reload.
    await page.goto(`${base}/review#/`);
    await page
      .locator('#kill-switch-banner', { hasText: 'LinkedIn incident drill' })
      .waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('button', { name: 'Engage kill switch…' }).count(), 0);
    await op.getByRole('button', { name: 'Release kill switch…' }).click();
    await op.getByRole('dialog').getByRole('button', { name: 'Release kill switch' }).click();
    await op.locator('#kill-switch-banner').waitFor({ state: 'detached' });
    await operator.close();
  });

  it('when the LinkedIn account needs re-authorization, then a banner says so with the way to reconnect', async () => {
    await stack.db.linkedinToken.updateMany({ data: { status: 'reauth_required' } });
    try {
      await page.reload();
      const banner = page.locator('#linkedin-banner');
      await banner.waitFor();
      assert.match((await banner.textContent()) ?? '', /re-authorization/);
      const operator = await browser.newContext();
      const op = await signIn(operator, keys.operator);
      const link = op.locator('#linkedin-banner a', { hasText: 'Open channels to reconnect' });
      assert.equal(await link.getAttribute('href'), '#/channels');
      await operator.close();
    } finally {
      await stack.db.linkedinToken.updateMany({ data: { status: 'active' } });
    }
  });

  it('when the screen is narrow, then nothing scrolls sideways and every field has a label', async () => {
    const narrow = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const p = await signIn(narrow, keys.editor);
    await p.locator('tbody tr').first().waitFor();
    const overflow = async () =>
      p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok((await overflow()) <= 0, 'queue fits');
    await p.goto(`${base}/review#/item/${ids.reschedule}`);
    await p.getByRole('heading', { name: 'As LinkedIn shows it' }).waitFor();
    assert.ok((await overflow()) <= 0, 'item fits');
    const unlabeled = await p.evaluate(() =>
      Array.from(document.querySelectorAll('input, select, textarea'))
        .filter(
          (el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute('aria-label'),
        )
        .map((el) => el.id || el.tagName),
    );
    assert.deepEqual(unlabeled, []);
    // Keyboard: the skip link is the first stop, and the page moves focus to its main content.
    assert.equal(
      await p.evaluate(
        () => document.querySelector('a, button, input, select, textarea')?.textContent,
      ),
      'Skip to content',
    );
    await p.keyboard.press('Tab');
    assert.equal(await p.evaluate(() => document.activeElement?.textContent), '← Queue');
    await narrow.close();
  });

  it('when an item carries images or a document, then the preview shows them with alt text, title and pages, and titles are the rendered text', async () => {
    const uploadFile = async (bytes: Buffer, type: string) => {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/media',
        headers: { ...bearer(keys.editor), 'content-type': type },
        payload: bytes,
      });
      assert.ok([200, 201].includes(r.statusCode), r.body);
      return r.json<{ id: string }>().id;
    };
    const stage = await uploadFile(png(24, 16), 'image/png');
    const crowd = await uploadFile(png(12, 12), 'image/png');
    const deckPdf = await uploadFile(await pdf(5), 'application/pdf');
    const pictures = uniqueId('rv-pictures');
    const deck = uniqueId('rv-deck');
    await submit(
      pictures,
      post({
        body: `**Launch** day at *the hall*\n\n![The team on stage](media:${stage}) ![A cheering crowd](media:${crowd})`,
      }),
    );
    await submit(
      deck,
      post({
        body: 'Our quarter.',
        extra: `document: {media: ${deckPdf}, title: Q4 in five slides}`,
      }),
    );
    await reaches(pictures, 'awaiting_approval');
    await reaches(deck, 'awaiting_approval');

    await page.goto(`${base}/review#/`);
    await page.locator(`tr[data-id="${pictures}"] a`).first().waitFor();
    assert.equal(
      await page.locator(`tr[data-id="${pictures}"] a`).first().textContent(),
      'Launch day at the hall',
      'the queue shows the rendered title, not the Markdown',
    );
    await page.goto(`${base}/review#/item/${pictures}`);
    await page.getByRole('heading', { name: 'Launch day at the hall' }).waitFor();
    const images = page.locator('.post-images img');
    await eventually(
      async () => ((await images.count()) === 2 ? true : undefined),
      10_000,
      'two images',
    );
    assert.deepEqual(await images.evaluateAll((els) => els.map((el) => el.getAttribute('alt'))), [
      'The team on stage',
      'A cheering crowd',
    ]);
    await eventually(
      async () =>
        (await images.evaluateAll((els) =>
          els.every(
            (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
          ),
        ))
          ? true
          : undefined,
      10_000,
      'the images load with the session cookie',
    );
    assert.match(
      (await page.locator('.post-images figcaption').first().textContent()) ?? '',
      /Alt: The team on stage/,
    );
    assert.match(
      (await page.locator('.count').first().textContent()) ?? '',
      new RegExp(`^${'Launch day at the hall'.length} / 3,000 characters`),
      'the character count is the text alone',
    );

    await page.goto(`${base}/review#/item/${deck}`);
    await page.locator('.post-document').waitFor();
    assert.equal(await page.locator('.doc-title').textContent(), 'Q4 in five slides');
    assert.match((await page.locator('.doc-pages').textContent()) ?? '', /5 pages/);
  });

  it('when the editor signs out, then the session no longer works', async () => {
    await page.goto(`${base}/review#/`);
    const cookie = (await editor.cookies()).find((c) => c.name === 'stargue_session');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    const after = await app.inject({
      method: 'GET',
      url: '/v1/content',
      headers: { cookie: `stargue_session=${cookie?.value ?? ''}` },
    });
    assert.equal(after.statusCode, 401);
  });
});
