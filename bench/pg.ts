// The database of a benchmark: a PostgreSQL database of its own on the server at DATABASE_URL (default the local
// one), created for the run and dropped at the end; or, when none is reachable or `pglite` is forced, embedded PGlite.
import pg from 'pg';

export interface BenchDatabase {
  onServer: boolean;
  /** the URL of the run's own database ('' on PGlite) */
  url: string;
  drop(): Promise<void>;
}

export async function benchDatabase(name: string, opts: { pglite?: boolean } = {}): Promise<BenchDatabase> {
  const admin = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const db = `linli_bench_${name}_${process.pid}`;
  const url = Object.assign(new URL(admin), { pathname: `/${db}` }).toString();
  const query = async (text: string): Promise<void> => {
    const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  const onServer = opts.pglite
    ? false
    : await query(`create database ${db}`).then(
        () => true,
        () => false,
      );
  return {
    onServer,
    url: onServer ? url : '',
    drop: async () => {
      if (onServer) await query(`drop database if exists ${db} with (force)`).catch(() => undefined);
    },
  };
}
