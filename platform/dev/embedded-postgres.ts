import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Postgres for `npm run dev` without a server: PGlite (Postgres in WASM) kept in `dataDir`,
 * served on the wire protocol so Prisma's pg adapter and our migration runner use it unchanged.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(dataDir);
  // The default of one connection starves a Prisma pool (DESIGN.md, machine facts).
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 32 });
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
