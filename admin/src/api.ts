// The HTTP client: JSON calls to /api/v1 with the access token, one refresh on 401, and the server's error
// body turned into an ApiError the screens can show (its message and, for 422 deploys, the problems).
import type { Session } from '@linli/contracts';

const SESSION_KEY = 'linli.admin.session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let session: Session | null = readStored();
const listeners = new Set<(s: Session | null) => void>();

function readStored(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  return session;
}

export function setSession(next: Session | null): void {
  session = next;
  if (next) localStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else localStorage.removeItem(SESSION_KEY);
  for (const l of listeners) l(next);
}

export function onSessionChange(listener: (s: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * One refresh at a time: refresh tokens rotate, and the server takes a second use of one as theft and ends the
 * session, so calls that fail together (a page's parallel loads after the token expired) share one.
 */
let refreshing: Promise<boolean> | null = null;
function refresh(): Promise<boolean> {
  refreshing ??= refreshOnce().finally(() => (refreshing = null));
  return refreshing;
}

async function refreshOnce(): Promise<boolean> {
  if (!session) return false;
  const res = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
  });
  if (!res.ok) {
    setSession(null);
    return false;
  }
  setSession((await res.json()) as Session);
  return true;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** raw body with its content type (BPMN XML, an uploaded register file) instead of JSON */
  raw?: { data: string | Blob; contentType: string };
  query?: Record<string, string | number | undefined>;
  /** answer text instead of JSON */
  text?: boolean;
}

export async function api<T>(path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {}))
    if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.accessToken}`;
  let body: string | Blob | undefined;
  if (options.raw) {
    headers['content-type'] = options.raw.contentType;
    body = options.raw.data;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`/api/v1${path}${qs ? `?${qs}` : ''}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  if (res.status === 401 && !retried && session && !path.startsWith('/auth/')) {
    // refreshed meanwhile by another call: the new token, without another refresh
    const renewed = headers.authorization !== `Bearer ${session.accessToken}`;
    if (renewed || (await refresh())) return api<T>(path, options, true);
  }
  if (!res.ok) {
    let id = 'http_error';
    let message = `请求失败（${res.status}）`;
    let details: unknown;
    try {
      const err = ((await res.json()) as { error?: { id: string; message: string; details?: unknown } })
        .error;
      if (err) ({ id, message, details } = err);
    } catch {
      // not JSON: keep the generic message
    }
    throw new ApiError(res.status, id, message, details);
  }
  if (res.status === 204) return undefined as T;
  return (options.text ? await res.text() : await res.json()) as T;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** The message to show for a failed call: the server's own words for 4xx, a generic line otherwise. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return `没有权限：${err.message}`;
    if (err.status >= 500) return '服务器出错，请稍后再试';
    return err.message;
  }
  return '网络错误，请检查连接';
}

/** What the server answers for a resident import (contracts ImportReport). */
export interface ImportReport {
  id: string;
  dryRun: boolean;
  status: 'checked' | 'imported' | 'rejected';
  totalRows: number;
  okRows: number;
  badRows: number;
  problems: { row: number; column?: string; message: string }[];
  created: { residents: number; rooms: number; bindings: number };
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Uploads a resident register (.xlsx or .csv) to a community: a dry run checks it, a real run imports it. */
export function importResidents(communityId: string, file: File, dryRun: boolean): Promise<ImportReport> {
  const xlsx = /\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE;
  return api<ImportReport>('/imports/residents', {
    method: 'POST',
    raw: { data: file, contentType: xlsx ? XLSX_TYPE : 'text/csv' },
    query: { communityId, dryRun: String(dryRun), fileName: file.name.slice(0, 200) },
  });
}
