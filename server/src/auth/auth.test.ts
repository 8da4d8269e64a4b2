// Sign-in as people meet it, over real HTTP: WeChat (against a local stand-in of the WeChat API), password
// with lockout, demo accounts, the development sign-in, and the life of a session (refresh, reuse, sign-out,
// expiry).
import bcrypt from 'bcryptjs';
import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { createTestServer, type TestServer } from '../testing/server.js';
import { startWechatStandin, type WechatStandin } from '../testing/wechat-standin.js';
import { buildWorld, type World } from '../testing/world.js';
import { issueSession } from './tokens.js';
import { ConfigError, loadConfig } from '../env.js';
import { roleAssignments, users } from '../db/schema.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'standin-secret-0123456789abcdef';
const PASSWORD = 'Correct-horse-2026';

let standin: WechatStandin;
let standinClock = 0; // milliseconds added to the stand-in's clock
let server: TestServer;
let world: World;

beforeAll(async () => {
  standin = await startWechatStandin({
    appId: APP_ID,
    appSecret: APP_SECRET,
    now: () => Date.now() + standinClock,
  });
  server = await createTestServer({
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: APP_SECRET,
    WECHAT_API_BASE: standin.url,
    LOGIN_MAX_FAILURES: '3',
  });
  world = await buildWorld(server.services.db, server.services.vault, '甲', 1);
});
afterAll(async () => {
  await server?.close();
  await standin?.close();
});

/** a staff account with a real password (cost 4 keeps the tests quick) holding a grid role in the world */
async function createStaff(target: TestServer, opts: { isDemo?: boolean; orgUnitId?: string } = {}) {
  const username = `u${randomUUID().slice(0, 8)}`;
  const [user] = await target.services.db
    .insert(users)
    .values({
      displayName: '测试员',
      username,
      passwordHash: await bcrypt.hash(PASSWORD, 4),
      isDemo: opts.isDemo ?? false,
    })
    .returning();
  if (opts.orgUnitId)
    await target.services.db
      .insert(roleAssignments)
      .values({ userId: user!.id, role: 'grid_worker', orgUnitId: opts.orgUnitId });
  return { id: user!.id, username };
}

const passwordLogin = (target: TestServer, username: string, password: string) =>
  target.api.post('/api/v1/auth/password', { username, password });

async function userCount(): Promise<number> {
  const [row] = await server.services.store.rows<{ n: number }>(sql`select count(*)::int n from users`);
  return row!.n;
}

/** the raw text of a WeChat sign-in answer, as the mini-program receives it */
async function wechatLoginText(code: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}/api/v1/auth/wechat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { status: res.status, text: await res.text() };
}

describe('WeChat sign-in', () => {
  it('creates an account on the first sign-in and finds the same account on later sign-ins', async () => {
    const openid = `o-${randomUUID()}`;
    const before = await userCount();
    const first = await server.api.post('/api/v1/auth/wechat', { code: standin.issueCode({ openid }) });
    expect(first.status).toBe(200);
    expect(first.body.accessToken).toEqual(expect.any(String));
    expect(await userCount()).toBe(before + 1);

    const me = await server.api.get('/api/v1/me', first.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(first.body.user.id);

    const second = await server.api.post('/api/v1/auth/wechat', { code: standin.issueCode({ openid }) });
    expect(second.status).toBe(200);
    expect(second.body.user.id).toBe(first.body.user.id);
    expect(second.body.accessToken).not.toBe(first.body.accessToken);
    expect(await userCount()).toBe(before + 1);
  });

  it('asks WeChat with the configured app id and the code the mini-program sent', async () => {
    const code = standin.issueCode({ openid: `o-${randomUUID()}` });
    const res = await server.api.post('/api/v1/auth/wechat', { code });
    expect(res.status).toBe(200);
    const call = standin.calls.find((c) => c.query.js_code === code);
    expect(call).toMatchObject({
      method: 'GET',
      path: '/sns/jscode2session',
      query: { appid: APP_ID, secret: APP_SECRET, js_code: code, grant_type: 'authorization_code' },
    });
  });

  it('recognises a person by unionid when WeChat sends one, even from another openid', async () => {
    const unionid = `u-${randomUUID()}`;
    const first = await server.api.post('/api/v1/auth/wechat', {
      code: standin.issueCode({ openid: `o-${randomUUID()}`, unionid }),
    });
    expect(first.status).toBe(200);
    // the same person signing in from another mini-program of the same Open Platform account
    const other = await server.api.post('/api/v1/auth/wechat', {
      code: standin.issueCode({ openid: `o-${randomUUID()}`, unionid }),
    });
    expect(other.status).toBe(200);
    expect(other.body.user.id).toBe(first.body.user.id);
    // a different person with no unionid gets an account of their own
    const stranger = await server.api.post('/api/v1/auth/wechat', {
      code: standin.issueCode({ openid: `o-${randomUUID()}` }),
    });
    expect(stranger.status).toBe(200);
    expect(stranger.body.user.id).not.toBe(first.body.user.id);
  });

  it('never hands out the WeChat session_key and stores it only encrypted', async () => {
    const openid = `o-${randomUUID()}`;
    const code = standin.issueCode({ openid });
    const { status, text } = await wechatLoginText(code);
    expect(status).toBe(200);
    const sessionKey = standin.calls.find((c) => c.query.js_code === code)?.answer.session_key;
    expect(typeof sessionKey).toBe('string');
    expect(text).not.toContain(sessionKey as string);
    expect(text).not.toMatch(/session_?key/i);

    const [row] = await server.services.db.select().from(users).where(eq(users.wechatOpenid, openid));
    expect(row!.wechatSessionKeyEnc).toBeTruthy();
    expect(row!.wechatSessionKeyEnc).not.toContain(sessionKey as string);
    expect(server.services.vault.decrypt(row!.wechatSessionKeyEnc!)).toBe(sessionKey);
  });

  it('refuses a code WeChat does not know with 400 wechat_code_invalid', async () => {
    const before = await userCount();
    const res = await server.api.post('/api/v1/auth/wechat', { code: 'no-such-code-0123456789' });
    expect(res.status).toBe(400);
    expect(res.body.error.id).toBe('wechat_code_invalid');
    expect(res.body.error.message).toMatch(/wx\.login/);
    expect(await userCount()).toBe(before);
  });

  it('refuses a code that was already used', async () => {
    const code = standin.issueCode({ openid: `o-${randomUUID()}` });
    expect((await server.api.post('/api/v1/auth/wechat', { code })).status).toBe(200);
    const again = await server.api.post('/api/v1/auth/wechat', { code });
    expect(again.status).toBe(400);
    expect(again.body.error.id).toBe('wechat_code_invalid');
  });

  it('refuses a code older than five minutes', async () => {
    const code = standin.issueCode({ openid: `o-${randomUUID()}` });
    standinClock = 5 * 60_000 + 1000;
    try {
      const res = await server.api.post('/api/v1/auth/wechat', { code });
      expect(res.status).toBe(400);
      expect(res.body.error.id).toBe('wechat_code_invalid');
    } finally {
      standinClock = 0;
    }
  });

  it.each([
    [45011, 429, 'wechat_rate_limited', /wait/i],
    [40226, 403, 'wechat_user_blocked', /blocked/i],
    [-1, 503, 'wechat_busy', /busy/i],
  ])('answers WeChat error %i with %i %s and creates no account', async (errcode, status, id, message) => {
    const openid = `o-${randomUUID()}`;
    const res = await server.api.post('/api/v1/auth/wechat', {
      code: standin.issueCode({ openid, errcode }),
    });
    expect(res.status).toBe(status);
    expect(res.body.error.id).toBe(id);
    expect(res.body.error.message).toMatch(message);
    const rows = await server.services.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.wechatOpenid, openid));
    expect(rows).toHaveLength(0);
  });

  it('answers 502 wechat_unreachable when WeChat cannot be reached', async () => {
    const down = await startWechatStandin({ appId: APP_ID, appSecret: APP_SECRET });
    await down.close();
    const config = server.services.config.wechat;
    const original = config.apiBase;
    config.apiBase = down.url;
    try {
      const res = await server.api.post('/api/v1/auth/wechat', {
        code: standin.issueCode({ openid: `o-${randomUUID()}` }),
      });
      expect(res.status).toBe(502);
      expect(res.body.error.id).toBe('wechat_unreachable');
    } finally {
      config.apiBase = original;
    }
  });

  it('does not reveal the app secret when WeChat rejects it', async () => {
    const config = server.services.config.wechat;
    const original = config.appSecret;
    config.appSecret = 'wrong-secret-that-must-not-leak';
    try {
      const res = await server.api.post('/api/v1/auth/wechat', {
        code: standin.issueCode({ openid: `o-${randomUUID()}` }),
      });
      expect(res.status).toBe(502);
      expect(res.body.error.id).toBe('wechat_error');
      expect(res.body.error.message).toContain('40125');
      expect(JSON.stringify(res.body)).not.toContain('wrong-secret-that-must-not-leak');
    } finally {
      config.appSecret = original;
    }
  });

  it('refuses a request without a code, naming the field', async () => {
    const res = await server.api.post('/api/v1/auth/wechat', {});
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'code' })]);
  });
});

describe('password sign-in', () => {
  it('signs in with the right password and the access token opens /me', async () => {
    const staff = await createStaff(server, { orgUnitId: world.ids.grid });
    const res = await passwordLogin(server, staff.username, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      user: { id: staff.id },
    });
    const me = await server.api.get('/api/v1/me', res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(staff.username);
    expect(me.body.roles).toEqual([
      expect.objectContaining({ role: 'grid_worker', orgUnitId: world.ids.grid }),
    ]);
  });

  it('accepts the username in any letter case', async () => {
    const staff = await createStaff(server);
    const res = await passwordLogin(server, staff.username.toUpperCase(), PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(staff.id);
  });

  it('answers a wrong password and an unknown username with the same 401', async () => {
    const staff = await createStaff(server);
    const wrong = await passwordLogin(server, staff.username, 'Not-the-password-1');
    const unknown = await passwordLogin(server, `nobody${randomUUID().slice(0, 6)}`, PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.id).toBe('invalid_credentials');
    expect(unknown.body).toEqual(wrong.body);
  });

  it('locks the account after 3 failed sign-ins, even against the right password', async () => {
    const staff = await createStaff(server);
    for (let i = 0; i < 3; i++) {
      expect((await passwordLogin(server, staff.username, `Wrong-password-${i}`)).status).toBe(401);
    }
    const res = await passwordLogin(server, staff.username, PASSWORD);
    expect(res.status).toBe(423);
    expect(res.body.error.id).toBe('account_locked');
    expect(new Date(res.body.error.details.lockedUntil).getTime()).toBeGreaterThan(Date.now());
  });

  it('does not lock an account whose failures are broken up by a successful sign-in', async () => {
    const staff = await createStaff(server);
    for (let i = 0; i < 2; i++) await passwordLogin(server, staff.username, `Wrong-password-${i}`);
    expect((await passwordLogin(server, staff.username, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 2; i++) await passwordLogin(server, staff.username, `Wrong-password-${i}`);
    expect((await passwordLogin(server, staff.username, PASSWORD)).status).toBe(200);
  });

  it('lets a community administrator unlock a locked account', async () => {
    const staff = await createStaff(server, { orgUnitId: world.ids.grid });
    for (let i = 0; i < 3; i++) await passwordLogin(server, staff.username, `Wrong-password-${i}`);
    expect((await passwordLogin(server, staff.username, PASSWORD)).status).toBe(423);

    const admin = (await issueSession(server.services, world.users.community_admin, 'password')).accessToken;
    const seen = await server.api.get(`/api/v1/users/${staff.id}`, admin);
    expect(seen.status).toBe(200);
    expect(seen.body.locked).toBe(true);

    const unlocked = await server.api.patch(`/api/v1/users/${staff.id}`, { unlock: true }, admin);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.locked).toBe(false);
    const res = await passwordLogin(server, staff.username, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(staff.id);
  });
});

describe('demo accounts and development sign-in', () => {
  let demoServer: TestServer;
  beforeAll(async () => {
    demoServer = await createTestServer({
      DEMO_MODE: 'true',
      DEV_LOGIN: 'true',
      WECHAT_APP_ID: '',
      WECHAT_APP_SECRET: '',
    });
  });
  afterAll(async () => demoServer?.close());

  it('refuses a demo account with 403 demo_account_disabled while DEMO_MODE is off', async () => {
    const demo = await createStaff(server, { isDemo: true });
    const res = await passwordLogin(server, demo.username, PASSWORD);
    expect(res.status).toBe(403);
    expect(res.body.error.id).toBe('demo_account_disabled');
    expect(res.body).not.toHaveProperty('accessToken');
  });

  it('accepts a demo account while DEMO_MODE is on', async () => {
    const demo = await createStaff(demoServer, { isDemo: true });
    const res = await passwordLogin(demoServer, demo.username, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(demo.id);
  });

  it('answers 404 to the development sign-in while DEV_LOGIN is off', async () => {
    const staff = await createStaff(server);
    const res = await server.api.post('/api/v1/auth/dev', { username: staff.username });
    expect(res.status).toBe(404);
    expect(res.body).not.toHaveProperty('accessToken');
  });

  it('signs in by username alone while DEV_LOGIN is on', async () => {
    const staff = await createStaff(demoServer);
    const res = await demoServer.api.post('/api/v1/auth/dev', { username: staff.username });
    expect(res.status).toBe(200);
    const me = await demoServer.api.get('/api/v1/me', res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(staff.id);
  });

  it('answers 503 to WeChat sign-in when WeChat is not configured', async () => {
    const res = await demoServer.api.post('/api/v1/auth/wechat', {
      code: standin.issueCode({ openid: `o-${randomUUID()}` }),
    });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/WECHAT_APP_ID/);
  });

  const productionKey = randomBytes(32).toString('base64');

  it('starts in production with both secrets and no development switches', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      DATA_ENCRYPTION_KEY: productionKey,
      DEV_LOGIN: undefined,
      DEMO_MODE: undefined,
    });
    expect(config.devLogin).toBe(false);
    expect(config.demoMode).toBe(false);
  });

  it('refuses to start in production with DEV_LOGIN on', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DEV_LOGIN: 'true',
        SESSION_SECRET: 'x'.repeat(40),
        DATA_ENCRYPTION_KEY: productionKey,
      }),
    ).toThrow(ConfigError);
  });

  it('refuses to start in production without SESSION_SECRET', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: undefined,
        DATA_ENCRYPTION_KEY: productionKey,
        DEV_LOGIN: undefined,
      }),
    ).toThrow(/SESSION_SECRET/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: undefined,
        DATA_ENCRYPTION_KEY: productionKey,
        DEV_LOGIN: undefined,
      }),
    ).toThrow(ConfigError);
  });
});

describe('sessions', () => {
  async function signIn() {
    const staff = await createStaff(server);
    const res = await passwordLogin(server, staff.username, PASSWORD);
    expect(res.status).toBe(200);
    return { staff, session: res.body as { accessToken: string; refreshToken: string } };
  }

  it('exchanges a refresh token for a new pair that works', async () => {
    const { staff, session } = await signIn();
    const res = await server.api.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(res.status).toBe(200);
    expect(res.body.accessToken).not.toBe(session.accessToken);
    expect(res.body.refreshToken).not.toBe(session.refreshToken);
    expect(res.body.user.id).toBe(staff.id);
    expect((await server.api.get('/api/v1/me', res.body.accessToken)).status).toBe(200);
    // and the new refresh token can be exchanged in turn
    expect(
      (await server.api.post('/api/v1/auth/refresh', { refreshToken: res.body.refreshToken })).status,
    ).toBe(200);
  });

  it('refuses a refresh token that was already exchanged', async () => {
    const { session } = await signIn();
    expect(
      (await server.api.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken })).status,
    ).toBe(200);
    const again = await server.api.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(again.status).toBe(401);
    expect(again.body.error.message).toMatch(/already used/);
  });

  it('signs the account out everywhere when a rotated refresh token comes back', async () => {
    const { staff, session } = await signIn();
    const otherDevice = await passwordLogin(server, staff.username, PASSWORD);
    expect((await server.api.get('/api/v1/me', otherDevice.body.accessToken)).status).toBe(200);
    const rotated = await server.api.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(rotated.status).toBe(200);

    // someone replays the stolen, already rotated token
    expect(
      (await server.api.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken })).status,
    ).toBe(401);

    const me = await server.api.get('/api/v1/me', rotated.body.accessToken);
    expect(me.status).toBe(401);
    expect(me.body.error.message).toMatch(/session has ended/);
    expect((await server.api.get('/api/v1/me', otherDevice.body.accessToken)).status).toBe(401);
    expect(
      (await server.api.post('/api/v1/auth/refresh', { refreshToken: rotated.body.refreshToken })).status,
    ).toBe(401);
  });

  it('refuses a refresh token it never issued', async () => {
    const res = await server.api.post('/api/v1/auth/refresh', {
      refreshToken: randomBytes(32).toString('base64url'),
    });
    expect(res.status).toBe(401);
    expect(res.body.error.id).toBe('unauthenticated');
  });

  it('ends the session on sign-out', async () => {
    const { session } = await signIn();
    const out = await server.api.post('/api/v1/auth/logout', undefined, session.accessToken);
    expect(out.status).toBe(204);
    const me = await server.api.get('/api/v1/me', session.accessToken);
    expect(me.status).toBe(401);
    expect(me.body.error.id).toBe('unauthenticated');
  });

  it('refuses an expired access token, saying it expired', async () => {
    const { session } = await signIn();
    expect((await server.api.get('/api/v1/me', session.accessToken)).status).toBe(200);
    const realNow = server.services.now;
    const ttl = server.services.config.accessTokenTtlSeconds;
    server.services.now = () => new Date(Date.now() + (ttl + 5) * 1000);
    try {
      const me = await server.api.get('/api/v1/me', session.accessToken);
      expect(me.status).toBe(401);
      expect(me.body.error.message).toMatch(/expired/);
    } finally {
      server.services.now = realNow;
    }
  });

  it('refuses a forged access token', async () => {
    const { session } = await signIn();
    const [header, payload] = session.accessToken.split('.');
    const forged = `${header}.${payload}.${randomBytes(32).toString('base64url')}`;
    const me = await server.api.get('/api/v1/me', forged);
    expect(me.status).toBe(401);
    expect(me.body.error.message).toMatch(/not valid/);
  });

  it('asks for a token when none is sent', async () => {
    const me = await server.api.get('/api/v1/me');
    expect(me.status).toBe(401);
    expect(me.body.error.message).toMatch(/Bearer/);
  });
});
