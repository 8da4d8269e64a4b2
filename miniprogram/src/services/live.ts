// Live pushes from the server's WebSocket hub (`/ws`, server/src/ws/hub.ts): one socket for the whole app, open
// while at least one shown page wants it (`live.acquire()` on show, the release it returns on hide). The access
// token goes as the second subprotocol (`['linli', token]`, so it stays out of URLs and logs); a bad or expired
// token closes with 4401, and the session is refreshed through http.ts before the next try. Other closes retry
// with backoff (1 s, 2 s, 4 s … 30 s). A JSON ping every 25 s keeps the socket and the proxies in front of it
// awake (the mini-program cannot see protocol-level pings). Pages listen by message type (`live.on('alert', …)`).
import Taro from '@tarojs/taro';
import type { AlertPush, NotifyPush, PushMessage } from '@linli/contracts';
import { API_BASE, IS_H5 } from './env';
import { refreshSession } from './http';
import { loadSession } from './session';

/** what the hub sends */
export type LiveMessage = PushMessage | NotifyPush | AlertPush;
export type LiveType = LiveMessage['type'];
export type LiveOf<T extends LiveType> = Extract<LiveMessage, { type: T }>;
/**
 * 'off': nobody wants the socket; 'connecting': opening, signing in or waiting to retry; 'open': the hub has
 * signed the socket in (`ready`), pushes arrive
 */
export type LiveState = 'off' | 'connecting' | 'open';

export const LIVE_STATE_NAMES: Record<LiveState, string> = {
  off: '未连接',
  connecting: '连接中…',
  open: '实时',
};

const PING_MS = 25_000;
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];
/** the hub's close code for a token it does not accept */
const BAD_TOKEN = 4401;
const SUBPROTOCOL = 'linli';

/** the hub's address: the API's host with ws(s)://, path /ws (same origin as the page when the API is) */
export function liveUrl(): string {
  const absolute = /^(https?):\/\/([^/]+)/.exec(API_BASE);
  if (absolute) return `${absolute[1] === 'https' ? 'wss' : 'ws'}://${absolute[2]}/ws`;
  if (IS_H5 && typeof location !== 'undefined')
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  throw new Error('TARO_APP_API must be an absolute https:// address in the WeChat build');
}

type Listener = (message: LiveMessage) => void;

let users = 0;
let socket: Taro.SocketTask | null = null;
let state: LiveState = 'off';
let attempt = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let pingTimer: ReturnType<typeof setInterval> | undefined;
/** counts sockets, so that the events of one closed on purpose are ignored */
let generation = 0;
const listeners = new Map<string, Set<Listener>>();
const stateListeners = new Set<(s: LiveState) => void>();

function setState(next: LiveState): void {
  if (next === state) return;
  state = next;
  for (const fn of stateListeners) fn(next);
}

/** the browser build's SocketTask returns promises the types do not show: a failure there is not news */
function quiet(result: unknown): void {
  if (result instanceof Promise) result.catch(() => undefined);
}

function stopTimers(): void {
  clearTimeout(retryTimer);
  clearInterval(pingTimer);
  retryTimer = undefined;
  pingTimer = undefined;
}

function dispatch(raw: unknown): void {
  let message: LiveMessage;
  try {
    message = JSON.parse(typeof raw === 'string' ? raw : '') as LiveMessage;
  } catch {
    return;
  }
  if (!message || typeof message.type !== 'string') return;
  // the hub says `ready` once it has signed the socket in: pushes arrive from then on (not from the socket's open)
  if (message.type === 'ready') setState('open');
  for (const fn of listeners.get(message.type) ?? []) {
    try {
      fn(message);
    } catch (err) {
      console.error('live listener failed', err);
    }
  }
}

function scheduleRetry(badToken: boolean): void {
  if (users === 0) return;
  setState('connecting');
  const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
  attempt += 1;
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    // a refused token is refreshed first (one refresh at a time, shared with http.ts)
    const ready = badToken ? refreshSession().catch(() => false) : Promise.resolve(true);
    void ready.then(() => connect());
  }, delay);
}

async function connect(): Promise<void> {
  if (users === 0 || socket) return;
  const mine = ++generation;
  setState('connecting');
  let session = loadSession();
  if (!session) return; // signed out: http.ts sends the app to 登录
  if (Date.parse(session.accessTokenExpiresAt) - Date.now() < 30_000) {
    if (await refreshSession().catch(() => false)) session = loadSession() ?? session;
  }
  if (mine !== generation || users === 0) return;
  let task: Taro.SocketTask;
  try {
    task = await Taro.connectSocket({ url: liveUrl(), protocols: [SUBPROTOCOL, session.accessToken] });
  } catch {
    if (mine === generation) scheduleRetry(false);
    return;
  }
  if (mine !== generation || users === 0) {
    quiet(task.close({}));
    return;
  }
  socket = task;
  let closed = false;
  const onClose = (code: number) => {
    if (closed || mine !== generation) return;
    closed = true;
    socket = null;
    clearInterval(pingTimer);
    pingTimer = undefined;
    scheduleRetry(code === BAD_TOKEN);
  };
  task.onOpen(() => {
    if (mine !== generation) return;
    attempt = 0;
    pingTimer = setInterval(() => {
      quiet(task.send({ data: JSON.stringify({ type: 'ping' }), fail: () => undefined }));
    }, PING_MS);
  });
  task.onMessage((res) => {
    if (mine === generation) dispatch(res.data);
  });
  // Taro's browser SocketTask reports every close the server makes as 1006: the real code (4401) is read from
  // the WebSocket underneath it, by a listener added before Taro's own (which also frees its slot: h5 allows 5)
  let code: number | undefined;
  const raw = IS_H5 ? (task as unknown as { ws?: WebSocket }).ws : undefined;
  raw?.addEventListener?.('close', (e) => (code = e.code));
  task.onClose((res) => onClose(code ?? res.code));
  task.onError(() => {
    /* a close follows */
  });
}

function disconnect(): void {
  generation += 1;
  stopTimers();
  attempt = 0;
  const s = socket;
  socket = null;
  if (s) quiet(s.close({ fail: () => undefined }));
  setState('off');
}

export const live = {
  /** a shown page wants pushes: opens the socket if it is not; call the returned function on hide */
  acquire(): () => void {
    users += 1;
    if (users === 1) void connect();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      users -= 1;
      if (users === 0) disconnect();
    };
  },
  /** listen to one message type; returns the function that stops listening */
  on<T extends LiveType>(type: T, fn: (message: LiveOf<T>) => void): () => void {
    const set = listeners.get(type) ?? new Set<Listener>();
    listeners.set(type, set);
    set.add(fn as Listener);
    return () => set.delete(fn as Listener);
  },
  /** listen to the connection state (实时 / 连接中…); called at once with the current one */
  onState(fn: (s: LiveState) => void): () => void {
    stateListeners.add(fn);
    fn(state);
    return () => stateListeners.delete(fn);
  },
  get state(): LiveState {
    return state;
  },
};
