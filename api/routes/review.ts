// The editors' review page (docs/review.md): a static single page under /review, bundled from
// review/src with esbuild the first time it is asked for, so nothing generated is committed. It
// talks only to the public REST API, with the session cookie of api/routes/session.ts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBodySchema, LinkedInStatusSchema } from '../../contracts/api';
import type { PublishingDeps } from '../../publishing/deps';
import { linkedInStatus } from '../../publishing/listing';

const SOURCE = path.resolve(import.meta.dirname, '../../review/src');

interface Assets {
  html: string;
  js: string;
  css: string;
}

let assets: Promise<Assets> | undefined;

async function buildAssets(): Promise<Assets> {
  const [bundle, html, css] = await Promise.all([
    build({
      entryPoints: [path.join(SOURCE, 'main.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    }),
    readFile(path.join(SOURCE, 'index.html'), 'utf8'),
    readFile(path.join(SOURCE, 'review.css'), 'utf8'),
  ]);
  return { html, css, js: bundle.outputFiles[0]?.text ?? '' };
}

/** Built once per process; a failed build is retried on the next request. */
function reviewAssets(): Promise<Assets> {
  assets ??= buildAssets().catch((err: unknown) => {
    assets = undefined;
    throw err;
  });
  return assets;
}

// Everything comes from this origin: no CDN, no external font, no inline script.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function reviewRoutes(deps: PublishingDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const page =
      (kind: keyof Assets, type: string) => async (_request: unknown, reply: FastifyReply) => {
        const built = await reviewAssets();
        return reply
          .header('content-type', type)
          .header('content-security-policy', CSP)
          .header('x-content-type-options', 'nosniff')
          .header('referrer-policy', 'no-referrer')
          .header('cache-control', 'no-cache')
          .send(built[kind]);
      };
    const hide = { schema: { hide: true } };
    app.get('/review', hide, page('html', 'text/html; charset=utf-8'));
    app.get('/review/', hide, page('html', 'text/html; charset=utf-8'));
    app.get('/review/app.js', hide, page('js', 'text/javascript; charset=utf-8'));
    app.get('/review/app.css', hide, page('css', 'text/css; charset=utf-8'));

    app.get(
      '/v1/outlets/linkedin/status',
      {
        schema: {
          summary: 'Whether LinkedIn is connected, or needs an operator to reconnect it',
          tags: ['linkedin'],
          security: [{ bearer: [] }],
          response: {
            200: LinkedInStatusSchema,
            ...Object.fromEntries([401, 403, 503].map((c) => [c, ErrorBodySchema])),
          },
        },
      },
      async () => linkedInStatus(deps),
    );
  };
}
