// Test harness of the notification tests: a real server over a fresh database with a movable clock, the
// WeChat/WeCom/SMS stand-in over real HTTP, a world with reachable people, and helpers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { notifyPreferences, users } from '../db/schema.js';
import { sealPhone } from '../domain/pii.js';
import { enqueueNotice, type Notice } from '../processes/shared/notify.js';
import { startChatStandin, type ChatStandin } from '../testing/chat-standin.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { issueSession } from '../auth/tokens.js';
import type { Role } from '../policy/permissions.js';
import type { DispatcherOptions } from './dispatcher.js';
import type { Templates } from './templates.js';

export const TEMPLATES: Templates = {
  'task.created': {
    wechat: {
      templateId: 'TPL_TASK',
      page: 'pages/task/index?id={taskId}',
      fields: { thing1: 'title', time2: 'dueAt', thing3: 'body' },
    },
  },
  '*': {
    wechat: {
      templateId: 'TPL_NOTICE',
      page: 'pages/inbox/index',
      fields: { thing1: 'title', thing2: 'body', time3: 'createdAt' },
    },
  },
};

/** 2026-11-24 10:00 China time */
export const MORNING = Date.parse('2026-11-24T02:00:00Z');

export interface Harness {
  server: TestServer;
  standin: ChatStandin;
  world: World;
  clock: { now: number };
  /** the configuration the server was given (a second server process takes the same) */
  env: Record<string, string>;
  /** moves the clock (ms) */
  advance(ms: number): void;
  notice(n: Partial<Notice> & { dedupKey: string; recipients: string[] }): Promise<void>;
  drain(): ReturnType<TestServer['services']['notify']['dispatcher']['drain']>;
  token(role: Role): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: { dispatcher?: DispatcherOptions; env?: Record<string, string>; at?: number } = {},
): Promise<Harness> {
  const clock = { now: opts.at ?? MORNING };
  const standin = await startChatStandin({
    wechat: { appId: 'wx-test-app', appSecret: 'wx-test-secret', templates: ['TPL_TASK', 'TPL_NOTICE'] },
    wecom: { corpId: 'ww-test-corp', secret: 'ww-agent-secret', agentId: '1000002', robotKeys: [] },
    now: () => clock.now,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-notify-'));
  const templatesFile = path.join(dir, 'templates.json');
  writeFileSync(templatesFile, JSON.stringify(TEMPLATES));
  const env: Record<string, string> = {
    WECHAT_APP_ID: 'wx-test-app',
    WECHAT_APP_SECRET: 'wx-test-secret',
    WECHAT_API_BASE: standin.url,
    WECOM_API_BASE: standin.url,
    WECOM_CORP_ID: 'ww-test-corp',
    WECOM_AGENT_ID: '1000002',
    WECOM_AGENT_SECRET: 'ww-agent-secret',
    NOTIFY_SMS_URL: `${standin.url}/sms`,
    NOTIFY_TEMPLATES_FILE: templatesFile,
    NOTIFY_LINK_BASE: 'https://console.linli.test',
    ...(opts.env ?? {}),
  };
  const server = await createTestServer(env, {
    now: () => new Date(clock.now),
    notify: { dispatcher: { backoffMs: 1_000, ...(opts.dispatcher ?? {}) } },
  });
  const { db, vault } = server.services;
  const world = await buildWorld(db, vault, '甲', 1);
  // who can be reached where: openids for everyone, WeCom ids and phones for staff
  for (const role of Object.keys(world.users) as Role[]) {
    const id = world.users[role];
    const openid = `o-${role}`;
    standin.addOpenid(openid);
    await db
      .update(users)
      .set({
        wechatOpenid: openid,
        ...sealPhone(vault, `1380000${String(Object.keys(world.users).indexOf(role)).padStart(4, '0')}`),
      })
      .where(eq(users.id, id));
    if (role !== 'resident' && role !== 'volunteer') {
      standin.addMember(`wc-${role}`);
      await db.insert(notifyPreferences).values({ userId: id, wecomUserId: `wc-${role}` });
    }
  }
  const services = server.services;
  return {
    server,
    standin,
    world,
    clock,
    env,
    advance: (ms) => void (clock.now += ms),
    notice: (n) =>
      enqueueNotice(services.db, {
        template: 'case.update',
        title: '办事进度',
        body: '您的事项有新进展',
        ...n,
      }),
    drain: () => services.notify.dispatcher.drain(),
    token: async (role) => (await issueSession(services, world.users[role], 'password')).accessToken,
    close: async () => {
      await server.close();
      await standin.close();
    },
  };
}
