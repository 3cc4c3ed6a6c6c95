import { fileURLToPath } from 'node:url';

/**
 * The application's root folder (where prisma/, review/ and dist/ are). This file sits one level
 * below the root, as do the bundles `npm run build` writes to dist/ (deploy/build.ts), so the
 * same `..` holds when running from source (tsx) and from a bundle that inlines this module.
 */
export const APP_ROOT = fileURLToPath(new URL('..', import.meta.url));
