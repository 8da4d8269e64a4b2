// The one HTTP client of the app: every call to the Linli API goes through here. It adds the access token,
// refreshes it once when it has expired (rotating refresh tokens: one refresh at a time), and turns failures into
// ApiFailure with a Chinese message.
import Taro from '@tarojs/taro';
import type { Session } from '@linli/contracts';
import { API_BASE } from './env';
import { ApiFailure, failureFrom, networkFailure } from './errors';
import { clearSession, loadSession, saveSession } from './session';

export type Query = Record<string, string | number | boolean | undefined | null>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** send the bytes as they are (file uploads) */
  raw?: { data: ArrayBuffer; contentType: string };
  /** false for the sign-in calls */
  auth?: boolean;
}

/** called when the session is gone for good (refresh failed): the app shows the sign-in page */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

export function urlOf(path: string, query?: Query): string {
  const parts = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return `${API_BASE}${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

async function send(method: Method, path: string, opts: RequestOptions, token: string | null) {
  const header: Record<string, string> = {};
  if (token) header.Authorization = `Bearer ${token}`;
  let data: unknown = undefined;
  if (opts.raw) {
    header['content-type'] = opts.raw.contentType;
    data = opts.raw.data;
  } else if (opts.body !== undefined) {
    header['content-type'] = 'application/json';
    data = JSON.stringify(opts.body);
  }
  try {
    return await Taro.request({
      url: urlOf(path, opts.query),
      method,
      header,
      data: data as Taro.request.Option['data'],
      dataType: '其他',
      responseType: 'text',
    });
  } catch (err) {
    throw networkFailure(
      err instanceof Error ? err.message : String((err as { errMsg?: string })?.errMsg ?? err),
    );
  }
}

function parse(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

let refreshing: Promise<boolean> | null = null;

/** exchange the refresh token for a new session; one at a time, since the old refresh token stops working */
export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    refreshing = (async () => {
      const current = loadSession();
      if (!current) return false;
      const res = await send('POST', '/auth/refresh', { body: { refreshToken: current.refreshToken } }, null);
      if (res.statusCode !== 200) return false;
      saveSession(parse(res.data) as Session);
      return true;
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const useAuth = opts.auth !== false;
  let session = useAuth ? loadSession() : null;
  if (session && Date.parse(session.accessTokenExpiresAt) - Date.now() < 30_000) {
    if (await refreshSession().catch(() => false)) session = loadSession();
  }
  let res = await send(method, path, opts, session?.accessToken ?? null);
  if (res.statusCode === 401 && useAuth && session) {
    // refreshed meanwhile (by another call or the live socket): try the new token rather than refresh again, which
    // would rotate the session once more under the calls and the socket that already use the new one
    const stored = loadSession();
    const ok =
      stored && stored.accessToken !== session.accessToken ? true : await refreshSession().catch(() => false);
    if (ok) {
      res = await send(method, path, opts, loadSession()?.accessToken ?? null);
    } else {
      clearSession();
      onSignedOut();
    }
  }
  const body = parse(res.data);
  if (res.statusCode >= 200 && res.statusCode < 300) return body as T;
  throw failureFrom(res.statusCode, body);
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
};

export { ApiFailure };
