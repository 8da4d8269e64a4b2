// Live pushes from the server's WebSocket hub (`/ws`, server/src/ws/hub.ts) for the console: one socket per tab,
// open while something wants it (the header's status holds it for the whole signed-in session; `live.acquire()`
// returns the release). The protocol is the mini-program's (miniprogram/src/services/live.ts): the access token
// goes as the second subprotocol (`['linli', token]`, out of URLs and logs); the hub answers `ready` once it has
// signed the socket in; a bad or expired token closes with 4401, and the session is refreshed through api.ts
// before the next try; other closes retry with backoff (1 s, 2 s, 4 s … 30 s); a JSON ping every 25 s keeps
// proxies awake. The hub replays only inbox notifications (`resume`), which the console does not show: case and
// task pushes missed while the socket was down are not replayed, so pages refetch once after a reconnect.
// Served by the server at /admin, `/ws` is on the same origin; `vite dev` proxies it to :3000 (vite.config.ts).
import { createElement, useEffect, useRef, useState } from 'react';
import { Badge } from 'antd';
import type { PushMessage } from '@linli/contracts';
import { api, currentSession, onSessionChange } from './api';

/** the case and task pushes the console listens to (the hub also sends `notification` and `alert`) */
export type LiveMessage = PushMessage;
export type LiveType = Exclude<LiveMessage['type'], 'ready'>;
/**
 * 'off': nobody wants the socket or nobody is signed in; 'connecting': opening, signing in or waiting to retry;
 * 'open': the hub has signed the socket in (`ready`), pushes arrive
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
/** how long pages wait for a burst of pushes (one step sends several) to end before they refetch */
export const REFETCH_DEBOUNCE_MS = 500;
/** the longest a page waits during a steady stream of pushes */
const REFETCH_MAX_WAIT_MS = 2_000;

function liveUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

type Listener = (message: LiveMessage) => void;

let users = 0;
let socket: WebSocket | null = null;
let state: LiveState = 'off';
let attempt = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let pingTimer: ReturnType<typeof setInterval> | undefined;
/** counts sockets, so that the events of one closed on purpose are ignored */
let generation = 0;
/** `ready`s since the socket was wanted: the second and later ones follow a lost connection */
let readies = 0;
/** whose socket it is: a different account signing in gets a socket of its own */
let socketUser: string | undefined;
const listeners = new Map<string, Set<Listener>>();
const stateListeners = new Set<(s: LiveState) => void>();
const reconnectListeners = new Set<() => void>();

function setState(next: LiveState): void {
  if (next === state) return;
  state = next;
  for (const fn of stateListeners) fn(next);
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
  if (message.type === 'ready') {
    attempt = 0;
    readies += 1;
    setState('open');
    if (readies > 1) for (const fn of reconnectListeners) fn();
    return;
  }
  for (const fn of listeners.get(message.type) ?? []) {
    try {
      fn(message);
    } catch (err) {
      console.error('live listener failed', err);
    }
  }
}

function scheduleRetry(badToken: boolean): void {
  if (users === 0 || !currentSession()) return setState('off');
  setState('connecting');
  const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
  attempt += 1;
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    // a refused token: any call through api.ts meets the same 401 and refreshes the session (or signs out)
    const ready = badToken
      ? api('/me').then(
          () => undefined,
          () => undefined,
        )
      : Promise.resolve();
    void ready.then(() => connect());
  }, delay);
}

async function connect(): Promise<void> {
  if (users === 0 || socket) return;
  const mine = ++generation;
  let session = currentSession();
  if (!session) return setState('off'); // signed out: the frame sends the console to 登录
  setState('connecting');
  if (Date.parse(session.accessTokenExpiresAt) - Date.now() < 30_000) {
    // about to expire: let api.ts refresh it first (a 401 on any call does)
    await api('/me').catch(() => undefined);
    session = currentSession();
    if (!session) return setState('off');
  }
  if (mine !== generation || users === 0) return;
  socketUser = session.user.id;
  let ws: WebSocket;
  try {
    ws = new WebSocket(liveUrl(), [SUBPROTOCOL, session.accessToken]);
  } catch {
    scheduleRetry(false);
    return;
  }
  socket = ws;
  ws.onopen = () => {
    if (mine !== generation) return;
    pingTimer = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping' }));
    }, PING_MS);
  };
  ws.onmessage = (e) => {
    if (mine === generation) dispatch(e.data);
  };
  ws.onclose = (e) => {
    if (mine !== generation) return;
    socket = null;
    clearInterval(pingTimer);
    pingTimer = undefined;
    scheduleRetry(e.code === BAD_TOKEN);
  };
}

function disconnect(): void {
  generation += 1;
  stopTimers();
  attempt = 0;
  readies = 0;
  const s = socket;
  socket = null;
  socketUser = undefined;
  s?.close();
  setState('off');
}

// signing out closes the socket; another account signing in gets its own (a refreshed token changes nothing:
// the hub checks the token when the socket signs in)
onSessionChange((s) => {
  if (!s) return disconnect();
  if (socketUser && s.user.id !== socketUser) {
    disconnect();
    if (users > 0) void connect();
  } else if (users > 0 && state === 'off') void connect();
});

export const live = {
  /** something wants pushes: opens the socket if it is not; call the returned function when done */
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
  on<T extends LiveType>(type: T, fn: (message: Extract<LiveMessage, { type: T }>) => void): () => void {
    const set = listeners.get(type) ?? new Set<Listener>();
    listeners.set(type, set);
    set.add(fn as Listener);
    return () => set.delete(fn as Listener);
  },
  /** called each time the socket is signed in again after it was lost (pushes meanwhile are not replayed) */
  onReconnect(fn: () => void): () => void {
    reconnectListeners.add(fn);
    return () => reconnectListeners.delete(fn);
  },
  /** listen to the connection state; called at once with the current one */
  onState(fn: (s: LiveState) => void): () => void {
    stateListeners.add(fn);
    fn(state);
    return () => stateListeners.delete(fn);
  },
  get state(): LiveState {
    return state;
  },
};

/**
 * A page that shows server state: `refetch` runs when a push of one of `types` arrives for which `relevant`
 * holds (debounced: 500 ms after the last of a burst, within about 2.5 s of its first), and once after every
 * reconnect. The latest `refetch` is called, so it reads the page's current filters and page number.
 */
export function useLiveRefetch(
  types: LiveType[],
  refetch: () => void,
  relevant: (message: LiveMessage) => boolean = () => true,
): void {
  const latest = useRef({ refetch, relevant });
  latest.current = { refetch, relevant };
  const key = types.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let since = 0;
    const soon = () => {
      const now = Date.now();
      if (timer === undefined) since = now;
      // a busy district never goes quiet for 500 ms: after 2 s of pushes the pending refetch is left to run
      else if (now - since >= REFETCH_MAX_WAIT_MS) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        latest.current.refetch();
      }, REFETCH_DEBOUNCE_MS);
    };
    const release = live.acquire();
    const offs = key.split(',').map((type) =>
      live.on(type as LiveType, (m) => {
        if (latest.current.relevant(m)) soon();
      }),
    );
    const offReconnect = live.onReconnect(soon);
    return () => {
      clearTimeout(timer);
      for (const off of offs) off();
      offReconnect();
      release();
    };
  }, [key]);
}

/** The connection state, for as long as the component is shown (holding the socket open meanwhile). */
export function useLiveState(): LiveState {
  const [current, setCurrent] = useState<LiveState>(live.state);
  useEffect(() => {
    const release = live.acquire();
    const off = live.onState(setCurrent);
    return () => {
      off();
      release();
    };
  }, []);
  return current;
}

/** The header's status: 实时 (green) when pushes arrive, 连接中… (orange) while (re)connecting. */
export function LiveStatus() {
  const current = useLiveState();
  return createElement(
    'span',
    {
      id: 'live-status',
      'data-state': current,
      title: current === 'open' ? '案件与任务的变化会自动刷新' : '正在连接实时推送，页面暂不自动刷新',
    },
    createElement(Badge, {
      status: current === 'open' ? 'success' : current === 'connecting' ? 'warning' : 'default',
      text: LIVE_STATE_NAMES[current],
    }),
  );
}
