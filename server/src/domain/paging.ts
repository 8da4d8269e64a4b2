import { count, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client.js';

export interface PageQuery {
  page: number;
  pageSize: number;
}

/** Runs the count and the page of a list query over one table with one condition. */
export async function pageOf<Row>(
  db: DbOrTx,
  table: PgTable,
  where: SQL | undefined,
  q: PageQuery,
  select: (offset: number, limit: number) => Promise<Row[]>,
): Promise<{ items: Row[]; total: number; page: number; pageSize: number }> {
  const [totalRow] = await db.select({ n: count() }).from(table).where(where);
  const items = await select((q.page - 1) * q.pageSize, q.pageSize);
  return { items, total: Number(totalRow?.n ?? 0), page: q.page, pageSize: q.pageSize };
}
