// Loads the demo community when the database is empty and prints how to sign in as each demo account.
import { sql } from 'drizzle-orm';
import type { Services } from '../services.js';
import { seedProcessDemos } from '../processes/seed.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo, type DemoSummary } from './demo.js';
import { seedNoticeDemo } from './notices.js';

export async function ensureDemoData(
  s: Services,
  opts: { print?: boolean } = {},
): Promise<DemoSummary | undefined> {
  const [row] = await s.store.rows<{ n: number }>(sql`select count(*)::int as n from org_units`);
  const [seeded] = await s.store.rows<{ n: number }>(
    sql`select count(*)::int as n from app_meta where key = 'demo_seed'`,
  );
  if ((row?.n ?? 0) > 0 && (seeded?.n ?? 0) === 0) return undefined; // a real community's data: never mix demo in
  const started = Date.now();
  const summary = await seedDemo(s.db, s.vault);
  await seedProcessDemos(s);
  await seedNoticeDemo(s);
  if (opts.print) printAccounts(summary, Date.now() - started);
  return summary;
}

export function printAccounts(summary: DemoSummary, ms?: number): void {
  const lines = [
    '',
    `Demo community loaded${ms !== undefined ? ` in ${ms} ms` : ''}: ${summary.communities} communities, ${summary.compounds} compounds, ` +
      `${summary.buildings} buildings, ${summary.rooms} rooms, ${summary.residents} residents, ${summary.users} accounts.`,
    `Demo accounts (password "${DEMO_PASSWORD}", accepted only while DEMO_MODE is on):`,
    ...DEMO_ACCOUNTS.map((a) => `  ${a.username.padEnd(18)} ${a.role.padEnd(16)} ${a.description}`),
    'Sign in: POST /api/v1/auth/password {"username": "...", "password": "..."}',
    '',
  ];
  console.log(lines.join('\n'));
}
