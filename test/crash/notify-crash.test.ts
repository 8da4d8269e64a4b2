// Notifications across crashes: a dispatcher process is killed with SIGKILL again and again, twice exactly
// between a send and its record (the WeChat stand-in takes the message and never answers), on a PGlite data
// folder or on PostgreSQL. After the last restart: every notice is in the inbox once; no message reached the
// stand-in twice; every delivery is `sent`, or `uncertain` where a process died between sending and recording
// (those are not sent again: at most once per key, recipient and channel).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startChatStandin, type ChatStandin } from '@linli/server';
import { freshDatabase, runScript, sleep } from './harness.js';

const USERS = 30;
const NOTICES = 300;
const driver = fileURLToPath(new URL('./notify-driver.ts', import.meta.url));
const serverUrl = process.env.DATABASE_URL;

async function query<T>(url: string | undefined, dataDir: string, text: string): Promise<T[]> {
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
  try {
    return (await db.query(text)).rows as T[];
  } finally {
    await db.close();
  }
}

describe.each(serverUrl ? ['pglite', 'postgres'] : ['pglite'])('notifications on %s', (where) => {
  it(`deliver ${NOTICES} notices at most once each through repeated SIGKILLs`, async () => {
    const standin: ChatStandin = await startChatStandin({
      wechat: { appId: 'wx-crash', appSecret: 'crash-secret', templates: ['TPL_CRASH'] },
      wecom: { corpId: 'ww', secret: 'ww', agentId: '1' },
    });
    for (let i = 1; i <= USERS; i++) {
      standin.addOpenid(`o-crash-${i}`);
      standin.grant(`o-crash-${i}`, 'TPL_CRASH', 1000);
    }
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-notify-crash-'));
    const templates = path.join(dataDir, 'templates.json');
    writeFileSync(
      templates,
      JSON.stringify({
        '*': {
          wechat: { templateId: 'TPL_CRASH', fields: { thing1: 'title', character_string2: 'data.ref' } },
        },
      }),
    );
    const db = where === 'postgres' ? await freshDatabase(serverUrl!, 'linli_ncrash') : undefined;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ...(db ? { DATABASE_URL: db.url } : { DATA_DIR: dataDir, DATABASE_URL: '' }),
      WECHAT_APP_ID: 'wx-crash',
      WECHAT_APP_SECRET: 'crash-secret',
      WECHAT_API_BASE: standin.url,
      NOTIFY_TEMPLATES_FILE: templates,
      NOTIFY_QUIET_HOURS: '00:00-00:00',
      NOTIFY_CRASH_USERS: String(USERS),
      NOTIFY_CRASH_NOTICES: String(NOTICES),
    };
    try {
      const seed = runScript(driver, { ...env, NOTIFY_CRASH_SEED: '1' });
      expect((await seed.exited).code).toBe(0);

      let kills = 0;
      for (let round = 0; round < 5; round++) {
        const child = runScript(driver, env);
        await child.waitFor('"started"');
        const before = standin.subscribe.length;
        const between = round % 2 === 0; // rounds 0, 2, 4: die between a send and its record
        if (between) standin.hangNext('subscribe');
        const target = before + 1 + (between ? 0 : 10 + Math.floor(Math.random() * 30));
        const until = Date.now() + 60_000;
        while (standin.subscribe.length < target && Date.now() < until && child.process.exitCode === null)
          await sleep(between ? 5 : 2);
        if (child.process.exitCode !== null) break; // finished before we got to it
        if (between) await sleep(50); // the request has arrived and hangs: the process waits for the answer
        await child.kill();
        kills++;
      }
      const last = runScript(driver, env);
      await last.waitFor('"idle"');
      expect((await last.exited).code).toBe(0);

      const refs = standin.subscribe.map((m) => m.data.character_string2!.value);
      const distinct = new Set(refs);
      expect(refs.length - distinct.size).toBe(0); // no message twice
      const [inbox] = await query<{ n: number; keys: number }>(
        db?.url,
        dataDir,
        `select count(*)::int as n, count(distinct dedup_key)::int as keys from notify_inbox`,
      );
      expect(inbox).toEqual({ n: NOTICES, keys: NOTICES });
      const statuses = await query<{ status: string; n: number }>(
        db?.url,
        dataDir,
        `select status, count(*)::int as n from notify_deliveries group by status order by status`,
      );
      const by = Object.fromEntries(statuses.map((s) => [s.status, s.n]));
      expect((by.sent ?? 0) + (by.uncertain ?? 0)).toBe(NOTICES);
      // every sent delivery reached the stand-in; uncertain ones may or may not have
      expect(distinct.size).toBeGreaterThanOrEqual(by.sent ?? 0);
      expect(distinct.size).toBeLessThanOrEqual((by.sent ?? 0) + (by.uncertain ?? 0));
      // the uncertain ones are only what a killed process had in flight (batch 10 per kill at most)
      expect(by.uncertain ?? 0).toBeLessThanOrEqual(kills * 10);
      console.log(`${where}: ${kills} kills, ${JSON.stringify(by)}, ${distinct.size} at the stand-in`);
    } finally {
      await standin.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
