// Sessions: a short-lived signed access token (JWT, HS256) and a long-lived opaque refresh token that is
// stored only as a hash and rotated on every use. Presenting a refresh token that was already rotated
// means it leaked: every session of that account is revoked.
import { randomBytes, createHash } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { and, eq, isNull } from 'drizzle-orm';
import { sessions } from '../db/schema.js';
import type { Services } from '../services.js';
import { unauthenticated } from '../http/errors.js';

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

const hashRefresh = (token: string) => createHash('sha256').update(token).digest('base64url');
const key = (s: Services) => new TextEncoder().encode(s.config.sessionSecret);

async function signAccess(
  s: Services,
  userId: string,
  sessionId: string,
): Promise<{ token: string; exp: Date }> {
  const now = s.now();
  const exp = new Date(now.getTime() + s.config.accessTokenTtlSeconds * 1000);
  const token = await new SignJWT({ sid: sessionId, typ: 'access' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(exp.getTime() / 1000))
    .setIssuer('linli')
    .sign(key(s));
  return { token, exp };
}

export async function issueSession(
  s: Services,
  userId: string,
  method: 'wechat' | 'password' | 'dev',
): Promise<TokenPair> {
  const refreshToken = randomBytes(32).toString('base64url');
  const refreshExp = new Date(s.now().getTime() + s.config.refreshTokenTtlDays * 86_400_000);
  const [row] = await s.db
    .insert(sessions)
    .values({ userId, method, refreshHash: hashRefresh(refreshToken), expiresAt: refreshExp })
    .returning({ id: sessions.id });
  const access = await signAccess(s, userId, row!.id);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.exp.toISOString(),
    refreshToken,
    refreshTokenExpiresAt: refreshExp.toISOString(),
  };
}

/** Verifies an access token and that its session is still live; returns the user id. */
export async function verifyAccess(
  s: Services,
  token: string,
): Promise<{ userId: string; sessionId: string }> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key(s), {
      issuer: 'linli',
      algorithms: ['HS256'],
      currentDate: s.now(),
    }));
  } catch (err) {
    const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
    throw unauthenticated(
      expired ? 'Your session has expired; refresh it or sign in again' : 'The access token is not valid',
    );
  }
  if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
    throw unauthenticated('The access token is not valid');
  }
  const [session] = await s.db
    .select({ revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(eq(sessions.id, payload.sid));
  if (!session || session.revokedAt) throw unauthenticated('This session has ended; sign in again');
  return { userId: payload.sub, sessionId: payload.sid };
}

export async function refreshSession(
  s: Services,
  refreshToken: string,
): Promise<{ userId: string; tokens: TokenPair }> {
  const [session] = await s.db
    .select()
    .from(sessions)
    .where(eq(sessions.refreshHash, hashRefresh(refreshToken)));
  if (!session) throw unauthenticated('The refresh token is not valid');
  if (session.revokedAt) {
    await s.db
      .update(sessions)
      .set({ revokedAt: s.now() })
      .where(and(eq(sessions.userId, session.userId), isNull(sessions.revokedAt)));
    s.logger.warn({ userId: session.userId }, 'rotated refresh token presented again; all sessions revoked');
    throw unauthenticated('This refresh token was already used; sign in again');
  }
  if (session.expiresAt <= s.now()) throw unauthenticated('The refresh token has expired; sign in again');
  const revoked = await s.db
    .update(sessions)
    .set({ revokedAt: s.now() })
    .where(and(eq(sessions.id, session.id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  if (revoked.length === 0) throw unauthenticated('This refresh token was already used; sign in again');
  return { userId: session.userId, tokens: await issueSession(s, session.userId, session.method) };
}

export async function revokeSession(s: Services, sessionId: string): Promise<void> {
  await s.db.update(sessions).set({ revokedAt: s.now() }).where(eq(sessions.id, sessionId));
}
