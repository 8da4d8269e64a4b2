// Sign-in and sign-out. In WeChat: wx.login's code exchanged by the server. In the browser build Taro.login gives
// no code, so staff sign in with username and password, and development/test builds may use the server's
// development sign-in (refused unless the server runs with DEV_LOGIN).
import Taro from '@tarojs/taro';
import type { Me, RoleName, Session } from '@linli/contracts';
import { request } from './http';
import { clearSession, loadSession, saveSession, type StoredSession } from './session';

export async function signInWithWechat(): Promise<StoredSession> {
  const { code } = await Taro.login();
  if (!code) throw new Error('wx.login returned no code');
  return saveSession(await request<Session>('POST', '/auth/wechat', { body: { code }, auth: false }));
}

export async function signInWithPassword(username: string, password: string): Promise<StoredSession> {
  return saveSession(
    await request<Session>('POST', '/auth/password', { body: { username, password }, auth: false }),
  );
}

export async function signInForDevelopment(username: string): Promise<StoredSession> {
  return saveSession(await request<Session>('POST', '/auth/dev', { body: { username }, auth: false }));
}

export async function signOut(): Promise<void> {
  try {
    if (loadSession()) await request('POST', '/auth/logout', { body: {} });
  } finally {
    clearSession();
  }
}

export async function refreshMe(): Promise<Me> {
  const me = await request<Me>('GET', '/me');
  const s = loadSession();
  if (s) saveSession({ ...s, user: me });
  return me;
}

export const currentUser = (): Me | null => loadSession()?.user ?? null;

export const STAFF_ROLES: RoleName[] = [
  'grid_worker',
  'property_staff',
  'technician',
  'community_admin',
  'street_admin',
  'district_admin',
];

export const hasRole = (me: Me | null, ...roles: RoleName[]) =>
  !!me && me.roles.some((g) => roles.includes(g.role));
export const isStaff = (me: Me | null) => hasRole(me, ...STAFF_ROLES);

export const ROLE_NAMES: Record<RoleName, string> = {
  resident: '居民',
  volunteer: '志愿者',
  grid_worker: '网格员',
  property_staff: '物业客服',
  technician: '维修师傅',
  community_admin: '社区管理员',
  street_admin: '街道管理员',
  district_admin: '区级管理员',
};
