import { accessSync, constants } from 'node:fs';

/** Where Chromium or Chrome usually is, after `CHROMIUM_PATH`. */
const USUAL_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const NO_CHROMIUM =
  'no Chromium found: set CHROMIUM_PATH, or install it (Debian: apt-get install chromium), ' +
  'to run the browser tests';

/** The browser for page tests: `CHROMIUM_PATH` when set (and nothing else), else a usual path. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : USUAL_PATHS;
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * How a browser test suite treats a missing browser: skipped with a line saying how to enable
 * it on a developer's machine, a failure in CI (`CI` set), where a skip would hide the suite.
 */
export function browserSuite(env: NodeJS.ProcessEnv = process.env): {
  chromium: string | undefined;
  skip: string | undefined;
} {
  const chromium = findChromium(env);
  const inCi = Boolean(env.CI) && env.CI !== 'false';
  return { chromium, skip: chromium || inCi ? undefined : NO_CHROMIUM };
}
