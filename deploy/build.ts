// `npm run build` (the Docker build runs it): the processes the image runs, compiled from
// TypeScript into one ESM file each under dist/ by esbuild. Packages stay imports, resolved from
// node_modules; our own code (and the generated Prisma client) is inlined. The image then runs
// `node dist/api.js` and friends: no TypeScript loader at run time. The workflow bundle is
// deploy/bundle-workflows.ts's job (same dist/ folder).
import path from 'node:path';
import { build } from 'esbuild';
import { APP_ROOT } from '../platform/app-root';

/** Output name → source entry. Their commands in docker-compose.yml and deploy/README.md. */
export const ENTRY_POINTS: Record<string, string> = {
  api: 'api/server.ts',
  worker: 'worker/main.ts',
  db: 'scripts/db.ts',
  apikey: 'scripts/apikey.ts',
  'tokens-rotate': 'scripts/tokens-rotate.ts',
  'audit-verify': 'scripts/audit-verify.ts',
  mcp: 'mcp/server.ts',
};

export async function buildApp(outDir: string): Promise<string[]> {
  // Paths such as review/src and prisma/migrations are found from the bundle's folder, one
  // level below the root (platform/app-root.ts): a deeper folder would miss them.
  if (path.dirname(path.resolve(outDir)) !== path.resolve(APP_ROOT))
    throw new Error(`the output folder must sit directly in ${APP_ROOT}, not ${outDir}`);
  const result = await build({
    absWorkingDir: APP_ROOT,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRY_POINTS).map(([name, source]) => [name, path.join(APP_ROOT, source)]),
    ),
    outdir: outDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
  });
  return Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = path.resolve(process.argv[2] ?? path.join(APP_ROOT, 'dist'));
  const files = await buildApp(outDir);
  console.log(`compiled: ${files.join(', ')}`);
}
