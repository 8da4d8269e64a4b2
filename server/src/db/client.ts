// Opens the store: embedded PGlite (a folder, or memory) or a PostgreSQL server, behind one Drizzle type.
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface Store {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** raw rows of a SQL query, the same shape for both drivers */
  rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The URL of the database a PostgreSQL store really uses: the configured server, with the database name the
 * store is connected to (tests give each file a database of its own). For a second connection to it: the
 * notification fan-out's LISTEN, the alert case thread.
 */
export async function connectedUrl(store: Store, configured: string): Promise<string> {
  const [row] = await store.rows<{ db: string }>(sql`select current_database() as db`);
  const url = new URL(configured);
  url.pathname = `/${row!.db}`;
  return url.toString();
}

export type StoreOptions =
  | { driver: 'pglite'; dataDir?: string; loadDataDir?: Blob }
  | { driver: 'postgres'; url: string; poolSize?: number };

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.driver === 'pglite') {
    const client = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      relaxedDurability: true,
    });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      driver: 'pglite',
      rows: async (query) => ((await db.execute(query)) as unknown as { rows: never[] }).rows,
      close: () => client.close(),
    };
  }
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    rows: async (query) => ((await db.execute(query)) as unknown as { rows: never[] }).rows,
    close: () => pool.end(),
  };
}

/** Applies the committed migrations. On a server, an advisory lock keeps concurrent starters from racing. */
export async function migrateStore(store: Store, url?: string): Promise<void> {
  if (store.driver === 'pglite') {
    await migratePglite(store.db as never, { migrationsFolder });
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(7361001)');
    await migratePg(drizzlePg(client), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock(7361001)').catch(() => undefined);
    await client.end();
  }
}

/** True when every committed migration is recorded as applied. */
export async function migrationsApplied(store: Store): Promise<boolean> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const expected = readMigrationFiles({ migrationsFolder }).length;
  try {
    const rows = await store.rows<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    return (rows[0]?.n ?? 0) >= expected;
  } catch {
    return false;
  }
}
