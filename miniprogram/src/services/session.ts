// The signed-in session, kept in storage so it survives a restart of the app.
import Taro from '@tarojs/taro';
import type { Me, Session } from '@linli/contracts';

const KEY = 'linli.session';

export interface StoredSession {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: Me;
}

let cached: StoredSession | null | undefined;

export function loadSession(): StoredSession | null {
  if (cached !== undefined) return cached;
  try {
    const raw: unknown = Taro.getStorageSync(KEY);
    cached = raw && typeof raw === 'object' ? (raw as StoredSession) : null;
  } catch {
    cached = null;
  }
  return cached;
}

export function saveSession(s: Session): StoredSession {
  cached = {
    accessToken: s.accessToken,
    accessTokenExpiresAt: s.accessTokenExpiresAt,
    refreshToken: s.refreshToken,
    refreshTokenExpiresAt: s.refreshTokenExpiresAt,
    user: s.user,
  };
  Taro.setStorageSync(KEY, cached);
  return cached;
}

export function clearSession(): void {
  cached = null;
  Taro.removeStorageSync(KEY);
}
