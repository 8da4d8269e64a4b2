// Sign-in (WeChat, password, development), refresh, sign-out and the caller's own account.

import { eq, sql } from 'drizzle-orm';
import {
  DevLogin,
  Me,
  MyPermissions,
  PasswordLogin,
  RefreshRequest,
  Session,
  WechatLogin,
} from '@linli/contracts';
import { defineRoute, type RouteDef } from '../http/route.js';
import { accountLocked, ApiError, forbidden, invalidCredentials, notFound } from '../http/errors.js';
import { users } from '../db/schema.js';
import { issueSession, refreshSession, revokeSession } from '../auth/tokens.js';
import { verifyPassword } from '../auth/passwords.js';
import { code2Session } from '../auth/wechat.js';
import { findUserBy, presentMe, type UserRow } from '../domain/users.js';
import type { Services } from '../services.js';
import { GRANTABLE, PERMISSIONS, REVEALABLE } from '../policy/permissions.js';
import { effectiveGrants } from '../policy/policy.js';

async function sessionFor(s: Services, user: UserRow, method: 'wechat' | 'password' | 'dev') {
  await s.db.update(users).set({ lastLoginAt: s.now() }).where(eq(users.id, user.id));
  return { ...(await issueSession(s, user.id, method)), user: await presentMe(s, user) };
}

const wechat = defineRoute({
  method: 'post',
  path: '/auth/wechat',
  summary: 'Sign in from the mini-program with the code of wx.login',
  tag: 'auth',
  auth: 'public',
  body: WechatLogin,
  response: Session,
  handler: async ({ body, services: s }) => {
    const wx = await code2Session(s.config, body.code);
    let user =
      (wx.unionid && (await findUserBy(s.db, 'unionid', wx.unionid))) ||
      (await findUserBy(s.db, 'openid', wx.openid));
    const sessionKeyEnc = s.vault.encrypt(wx.sessionKey);
    if (!user) {
      [user] = await s.db
        .insert(users)
        .values({
          displayName: `微信用户${wx.openid.slice(-4)}`,
          wechatOpenid: wx.openid,
          wechatUnionid: wx.unionid ?? null,
          wechatSessionKeyEnc: sessionKeyEnc,
        })
        .onConflictDoUpdate({ target: users.wechatOpenid, set: { wechatSessionKeyEnc: sessionKeyEnc } })
        .returning();
    } else {
      [user] = await s.db
        .update(users)
        .set({
          wechatSessionKeyEnc: sessionKeyEnc,
          wechatOpenid: wx.openid,
          wechatUnionid: wx.unionid ?? user.wechatUnionid,
        })
        .where(eq(users.id, user.id))
        .returning();
    }
    if (user!.status !== 'active') throw forbidden('This account is disabled; contact your community office');
    s.metrics.loginAttempts.labels('wechat', 'ok').inc();
    return sessionFor(s, user!, 'wechat');
  },
});

const password = defineRoute({
  method: 'post',
  path: '/auth/password',
  summary: 'Staff and admin sign-in with username and password (locks after repeated failures)',
  tag: 'auth',
  auth: 'public',
  body: PasswordLogin,
  response: Session,
  handler: async ({ body, services: s }) => {
    const user = await findUserBy(s.db, 'username', body.username.toLowerCase());
    const now = s.now();
    if (user?.lockedUntil && user.lockedUntil > now) {
      s.metrics.loginAttempts.labels('password', 'locked').inc();
      throw accountLocked(user.lockedUntil);
    }
    const ok = await verifyPassword(body.password, user?.passwordHash ?? null);
    if (!user || !ok) {
      s.metrics.loginAttempts.labels('password', 'failed').inc();
      if (user) await recordFailure(s, user);
      throw invalidCredentials();
    }
    if (user.isDemo && !s.config.demoMode) {
      throw new ApiError(403, 'demo_account_disabled', 'Demo accounts work only while DEMO_MODE is on');
    }
    if (user.status !== 'active') throw forbidden('This account is disabled; contact your administrator');
    await s.db.update(users).set({ failedLoginCount: 0, lockedUntil: null }).where(eq(users.id, user.id));
    s.metrics.loginAttempts.labels('password', 'ok').inc();
    return sessionFor(s, user, 'password');
  },
});

async function recordFailure(s: Services, user: UserRow): Promise<void> {
  const [row] = await s.db
    .update(users)
    .set({ failedLoginCount: sql`${users.failedLoginCount} + 1` })
    .where(eq(users.id, user.id))
    .returning({ failures: users.failedLoginCount });
  if ((row?.failures ?? 0) >= s.config.loginMaxFailures) {
    const until = new Date(s.now().getTime() + s.config.loginLockMinutes * 60_000);
    await s.db.update(users).set({ lockedUntil: until, failedLoginCount: 0 }).where(eq(users.id, user.id));
    s.logger.warn({ userId: user.id }, 'account locked after repeated failed sign-ins');
  }
}

const dev = defineRoute({
  method: 'post',
  path: '/auth/dev',
  summary:
    'Development sign-in for the browser build and tests (off unless DEV_LOGIN is set; never in production)',
  tag: 'auth',
  auth: 'public',
  body: DevLogin,
  response: Session,
  handler: async ({ body, services: s }) => {
    if (!s.config.devLogin || s.config.mode === 'production')
      throw notFound('Development sign-in (DEV_LOGIN is off)');
    const user = await findUserBy(s.db, 'username', body.username.toLowerCase());
    if (!user) throw notFound('User', body.username);
    return sessionFor(s, user, 'dev');
  },
});

const refresh = defineRoute({
  method: 'post',
  path: '/auth/refresh',
  summary: 'Exchange a refresh token for a new session (the old refresh token stops working)',
  tag: 'auth',
  auth: 'public',
  body: RefreshRequest,
  response: Session,
  handler: async ({ body, services: s }) => {
    const { userId, tokens } = await refreshSession(s, body.refreshToken);
    const [user] = await s.db.select().from(users).where(eq(users.id, userId));
    if (!user || user.status !== 'active') throw forbidden('This account is disabled');
    return { ...tokens, user: await presentMe(s, user) };
  },
});

const logout = defineRoute({
  method: 'post',
  path: '/auth/logout',
  summary: 'End this session',
  tag: 'auth',
  auth: 'user',
  handler: async ({ koa, services: s }) => {
    await revokeSession(s, koa.state.sessionId!);
    return undefined;
  },
});

const me = defineRoute({
  method: 'get',
  path: '/me',
  summary: 'The signed-in account, its roles and scope',
  tag: 'auth',
  auth: 'user',
  response: Me,
  handler: async ({ principal, services: s }) => {
    const [user] = await s.db.select().from(users).where(eq(users.id, principal.userId));
    return presentMe(s, user!);
  },
});

const myPermissions = defineRoute({
  method: 'get',
  path: '/me/permissions',
  summary:
    "What each of your roles may do: the server's permission table for them, fields they may reveal, roles they may grant",
  tag: 'auth',
  auth: 'user',
  response: MyPermissions,
  handler: async ({ principal }) => {
    const roles: MyPermissions['roles'] = {};
    for (const { role } of effectiveGrants(principal)) {
      const permissions: Record<string, string[]> = {};
      for (const [resource, actions] of Object.entries(PERMISSIONS[role]))
        permissions[resource] = Object.keys(actions ?? {}).sort();
      roles[role] = {
        permissions,
        revealable: [...(REVEALABLE[role] ?? [])],
        grantable: [...(GRANTABLE[role] ?? [])],
      };
    }
    return { roles };
  },
});

export const authRoutes: RouteDef[] = [wechat, password, dev, refresh, logout, me, myPermissions];
