// The review page's Channels view in Chromium, against the real stack: the app on a real port
// with a LinkedIn app registered at the stand-in (so the OAuth round trip completes in the
// browser) and Bluesky accounts on the reference PDS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createKeys, type Keys } from '../helpers/api';
import {
  startBlueskyNetwork,
  type BlueskyNetwork,
  type TestAccount,
} from '../helpers/bluesky-network';
import { browserSuite, NO_CHROMIUM } from '../helpers/browser';
import { bearer } from '../helpers/api';
import { post } from '../helpers/content';
import { startStack, uniqueId, type Stack } from '../helpers/stack';
import { startOAuthApp, type OAuthApp } from '../outlets/linkedin/pipeline';

const BROWSER = browserSuite();
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
];

describe('review page: channels', { skip: BROWSER.skip }, () => {
  let stack: Stack;
  let oauth: OAuthApp;
  let network: BlueskyNetwork;
  let keys: Keys;
  let browser: Browser;
  let alice: TestAccount;
  const contexts: BrowserContext[] = [];

  async function signIn(key: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`review page error: ${error.message}`));
    await page.goto(`${oauth.baseUrl}/review`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Channels', exact: true }).waitFor();
    return page;
  }
  const row = (page: Page, key: string) => page.locator(`tr[data-channel="${key}"]`);

  before(async () => {
    assert.ok(BROWSER.chromium, `CI runs the browser tests: ${NO_CHROMIUM}`);
    stack = await startStack();
    oauth = await startOAuthApp(stack);
    network = await startBlueskyNetwork();
    alice = await network.createAccount('alice');
    keys = await createKeys(stack);
    await stack.standIn.addMember({ sub: 'JaneDoe01', name: 'Jane Doe' });
    browser = await chromium.launch({
      executablePath: BROWSER.chromium,
      args: ARGS,
      headless: true,
    });
  });
  after(async () => {
    if (!BROWSER.chromium) return;
    for (const context of contexts) await context.close();
    await browser?.close();
    await oauth?.close();
    await network?.close();
    await stack?.close();
  });

  it('when an editor opens Channels, then the list shows the default channel and nothing can be changed', async () => {
    const page = await signIn(keys.editor);
    const linkedin = row(page, 'linkedin:ada-editor');
    await linkedin.waitFor();
    assert.match((await linkedin.textContent()) ?? '', /default/);
    assert.match((await linkedin.textContent()) ?? '', /active/);
    await page.getByText('Only operators can connect or change channels.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Disable' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Connect Bluesky' }).count(), 0);
  });

  it('when an operator connects Bluesky with a wrong and then the right app password, then the error is readable and the channel appears', async () => {
    const page = await signIn(keys.operator);
    await page.getByLabel('Handle or DID').fill(alice.handle);
    await page.getByLabel('App password').fill('aaaa-bbbb-cccc-dddd');
    await page.getByLabel('Server (optional)').fill(network.serviceUrl);
    await page.getByRole('button', { name: 'Connect Bluesky' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'refused the identifier or app password' })
      .waitFor();
    assert.equal(await stack.db.channel.count({ where: { outlet: 'bluesky' } }), 0);

    await page.getByLabel('App password').fill(alice.appPassword);
    await page.getByRole('button', { name: 'Connect Bluesky' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Connected @alice.test as channel alice.test' })
      .waitFor();
    const bluesky = row(page, 'bluesky:alice.test');
    await bluesky.waitFor();
    assert.match((await bluesky.textContent()) ?? '', /@alice\.test/);
    assert.equal(
      await page.locator('#bluesky-app-password').inputValue(),
      '',
      'the password is not kept in the form',
    );
  });

  it('when an operator renames, disables, enables and makes a channel the default, then the list follows', async () => {
    const page = await signIn(keys.operator);
    const bluesky = row(page, 'bluesky:alice.test');
    await bluesky.getByRole('button', { name: 'Rename…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename alice.test' });
    await dialog.getByLabel('Name (used in frontmatter)').fill('alice');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const renamed = row(page, 'bluesky:alice');
    await renamed.waitFor();

    await renamed.getByRole('button', { name: 'Disable' }).click();
    await renamed.getByText('disabled').waitFor();
    await renamed.getByRole('button', { name: 'Enable' }).click();
    await renamed.getByRole('button', { name: 'Disable' }).waitFor();

    await row(page, 'linkedin:ada-editor').waitFor();
    await stack.db.channel.update({
      where: { outlet_name: { outlet: 'bluesky', name: 'alice' } },
      data: { isDefault: false },
    });
    await page.reload();
    await row(page, 'bluesky:alice').getByRole('button', { name: 'Make default' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'alice is now the Bluesky default' })
      .waitFor();
    const channel = await stack.db.channel.findUniqueOrThrow({
      where: { outlet_name: { outlet: 'bluesky', name: 'alice' } },
    });
    assert.equal(channel.isDefault, true);
    assert.equal(channel.disabledAt, null);
  });

  it('when an operator connects a second LinkedIn member from the page, then the OAuth round trip creates the channel beside the first', async () => {
    await stack.standIn.setCurrentMember('JaneDoe01');
    const page = await signIn(keys.operator);
    await page.getByLabel('Channel name (optional: named after the member)').fill('jane');
    await page.getByRole('button', { name: 'Continue to LinkedIn' }).click();
    await page.waitForURL(/\/v1\/oauth\/linkedin\/callback/);
    const answer = JSON.parse((await page.locator('body').textContent()) ?? '{}') as Record<
      string,
      unknown
    >;
    assert.equal(answer.channel, 'jane');
    assert.equal(answer.created, true);
    await page.goto(`${oauth.baseUrl}/review#/channels`);
    await row(page, 'linkedin:jane').waitFor();
    await row(page, 'linkedin:ada-editor').waitFor();
    const reconnect = row(page, 'linkedin:jane').getByRole('link', { name: 'Reconnect' });
    assert.equal(await reconnect.getAttribute('href'), '/v1/oauth/linkedin/authorize?channel=jane');
  });

  it('when an item names a LinkedIn member and the Bluesky default, then the page previews each channel as that network shows it', async () => {
    await stack.startWorker();
    const id = uniqueId('rv-channels');
    const body = 'Two networks, one launch (today). See [the notes](https://example.com/n) #launch';
    const submitted = await fetch(`${oauth.baseUrl}/v1/content`, {
      method: 'POST',
      headers: { ...bearer(keys.integration), 'content-type': 'application/json' },
      body: JSON.stringify({
        id,
        markdown: post({ body, extra: 'outlets: [linkedin:jane, bluesky]' }).replace(
          'outlets: [linkedin]\n',
          '',
        ),
      }),
    });
    assert.equal(submitted.status, 202, await submitted.text());
    const page = await signIn(keys.editor);
    await page.goto(`${oauth.baseUrl}/review#/item/${id}?v=1`);
    const linkedin = page.getByRole('article', { name: 'linkedin:jane preview' });
    const bluesky = page.getByRole('article', { name: 'bluesky:alice preview' });
    await linkedin.waitFor();
    await bluesky.waitFor();
    // LinkedIn's little text keeps the link as text and makes #launch a hashtag link; Bluesky's
    // plain text keeps the link's words (the address rides beside them as a facet).
    assert.equal(
      await linkedin.locator('.post-text').innerText(),
      'Two networks, one launch (today). See the notes (https://example.com/n) #launch',
    );
    assert.equal(
      await bluesky.locator('.post-text').innerText(),
      'Two networks, one launch (today). See the notes #launch',
    );
    assert.match((await bluesky.locator('.count').textContent()) ?? '', /^55 \/ 300 characters/);
    assert.match((await linkedin.locator('.count').textContent()) ?? '', /\/ 3,000 characters/);
  });
});
