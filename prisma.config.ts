import { defineConfig } from 'prisma/config';

// `prisma generate` needs no database, so an unset DATABASE_URL must not throw here:
// a fresh clone generates the client during `npm ci` before any database exists.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
