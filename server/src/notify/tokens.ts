// Access tokens of WeChat and WeCom, cached in the database and shared by every process: WeChat invalidates
// the previous token when a new one is fetched, so processes that each fetched their own would knock each
// other out. A refresh holds a transaction-scoped advisory lock, so one process fetches and the others read
// its result. Refreshed `REFRESH_MARGIN_MS` before expiry, and at once when an API answers 40001/42001/40014
// (the caller passes the token that failed: a token someone else already replaced is not fetched again).
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { notifyTokens } from './schema.js';
import { callJson } from './http.js';

export const REFRESH_MARGIN_MS = 5 * 60_000;

export class TokenError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
    readonly errcode?: number,
  ) {
    super(message);
  }
}

export interface TokenSource {
  /** a key in notify_tokens, e.g. `wechat:<appid>` */
  app: string;
  /** the token endpoint with its query */
  url: () => URL;
}

export class SharedToken {
  constructor(
    private readonly db: Db,
    private readonly source: TokenSource,
    private readonly now: () => Date,
  ) {}

  async get(): Promise<string> {
    const [row] = await this.db.select().from(notifyTokens).where(eq(notifyTokens.app, this.source.app));
    if (row && row.expiresAt.getTime() - REFRESH_MARGIN_MS > this.now().getTime()) return row.token;
    return this.refresh(row?.token);
  }

  /** Fetches a new token unless another process already replaced `stale`. */
  async refresh(stale?: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'notify:token:' + this.source.app}))`);
      const [row] = await tx.select().from(notifyTokens).where(eq(notifyTokens.app, this.source.app));
      const fresh = row && row.expiresAt.getTime() - REFRESH_MARGIN_MS > this.now().getTime();
      if (row && fresh && row.token !== stale) return row.token;
      const answer = await callJson(this.source.url(), { method: 'GET', timeoutMs: 5_000 });
      if (answer.kind !== 'answer') throw new TokenError(`token endpoint: ${answer.error}`, true);
      const b = answer.body as {
        access_token?: string;
        expires_in?: number;
        errcode?: number;
        errmsg?: string;
      };
      if (!b.access_token) {
        // -1 busy and 45009 frequency are worth retrying; wrong secrets (40001/40125/40013) are not
        const retry = b.errcode === -1 || b.errcode === 45009 || answer.status >= 500;
        throw new TokenError(`token endpoint errcode ${b.errcode ?? answer.status}`, retry, b.errcode);
      }
      const now = this.now();
      const expiresAt = new Date(now.getTime() + (b.expires_in ?? 7200) * 1000);
      await tx
        .insert(notifyTokens)
        .values({ app: this.source.app, token: b.access_token, expiresAt, fetchedAt: now })
        .onConflictDoUpdate({
          target: notifyTokens.app,
          set: { token: b.access_token, expiresAt, fetchedAt: now },
        });
      return b.access_token;
    });
  }
}
