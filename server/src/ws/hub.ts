// The WebSocket hub at `/ws`: a signed-in client hears about tasks it may act on and cases it started, and an
// admin about the cases and tasks of their area (the audiences are push.ts's).
// The access token comes as `?token=` or as a second subprotocol (`new WebSocket(url, ['linli', token])`,
// for clients that cannot put it in the URL). A bad token closes with 4401: a browser cannot read the HTTP
// status of a refused upgrade, but it can read a close code.
//
// Notifications (the durable inbox, server/src/notify) come with a per-user sequence number that increases in
// commit order. The hub keeps, per socket, the last one it sent, and sends in order without gaps: a push that
// skips ahead makes it read the missing items from the inbox first. A client that reconnects says where it
// was (`?since=<seq>` or `{"type":"resume","since":n}`) and gets everything after that, then `resumed`; one
// that does not starts from now. `{"type":"ping"}` answers `{"type":"pong"}` (the mini-program cannot see
// protocol-level pings).
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { and, asc, eq, gt } from 'drizzle-orm';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientSocketMessage, type NotificationItem } from '@linli/contracts';
import { verifyAccess } from '../auth/tokens.js';
import { loadPrincipal, type Principal } from '../policy/principal.js';
import { groupsAt } from '../policy/workflow.js';
import type { Services } from '../services.js';
import { notifyCursors, notifyInbox } from '../notify/schema.js';
import { presentItem } from '../notify/present.js';
import type { Audience, HubMessage } from './push.js';

export const WS_PATH = '/ws';
const SUBPROTOCOL = 'linli';
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export interface HubOptions {
  /** ping interval; a socket that has not answered the previous ping is dropped (default 30 s) */
  heartbeatMs?: number;
}

export interface Hub {
  /** connected, signed-in sockets */
  readonly size: number;
  close(): Promise<void>;
}

interface Client {
  ws: WebSocket;
  principal: Principal;
  alive: boolean;
  /** the last inbox sequence number sent on this socket */
  lastSeq: number;
  /** notification work for this socket, in order */
  chain: Promise<void>;
}

/** replayed per query when catching up */
const CATCH_UP_PAGE = 200;

function tokenOf(req: http.IncomingMessage, url: URL): string | undefined {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => JWT.test(p));
}

function reaches(client: Client, to: Audience): boolean {
  if (to.users.includes(client.principal.userId)) return true;
  if (!to.groups?.names.length) return false;
  const groups = groupsAt(client.principal, to.groups.orgPath);
  return to.groups.names.some((name) => groups.includes(name));
}

export function attachHub(server: http.Server, s: Services, opts: HubOptions = {}): Hub {
  const clients = new Set<Client>();
  // echo our subprotocol only: echoing the token would put it in a response header
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  const send = (ws: WebSocket, message: HubMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };

  const enqueue = (client: Client, work: () => Promise<void>) => {
    client.chain = client.chain.then(work).catch((err: unknown) => {
      s.logger.warn({ err, userId: client.principal.userId }, 'websocket catch-up failed');
    });
  };

  /** Sends every inbox item after the socket's last one, in order. */
  async function catchUp(client: Client): Promise<void> {
    for (;;) {
      if (client.ws.readyState !== client.ws.OPEN) return;
      const rows = await s.db
        .select()
        .from(notifyInbox)
        .where(and(eq(notifyInbox.userId, client.principal.userId), gt(notifyInbox.seq, client.lastSeq)))
        .orderBy(asc(notifyInbox.seq))
        .limit(CATCH_UP_PAGE);
      for (const row of rows) {
        send(client.ws, { type: 'notification', item: presentItem(row) });
        client.lastSeq = row.seq;
      }
      if (rows.length < CATCH_UP_PAGE) return;
    }
  }

  function notification(client: Client, item: NotificationItem): void {
    enqueue(client, async () => {
      if (item.seq <= client.lastSeq) return; // sent already (by a catch-up)
      if (item.seq === client.lastSeq + 1) {
        send(client.ws, { type: 'notification', item });
        client.lastSeq = item.seq;
        return;
      }
      await catchUp(client); // something committed before it has not reached us yet: read it
    });
  }

  function resume(client: Client, since: number): void {
    enqueue(client, async () => {
      client.lastSeq = since;
      await catchUp(client);
      send(client.ws, { type: 'resumed', since, lastSeq: client.lastSeq });
    });
  }

  async function currentSeq(userId: string): Promise<number> {
    const [row] = await s.db.select().from(notifyCursors).where(eq(notifyCursors.userId, userId));
    return row?.seq ?? 0;
  }

  async function signIn(ws: WebSocket, req: http.IncomingMessage, url: URL): Promise<void> {
    const token = tokenOf(req, url);
    let principal: Principal | undefined;
    try {
      if (token) principal = await loadPrincipal(s.db, (await verifyAccess(s, token)).userId);
    } catch {
      principal = undefined;
    }
    if (!principal) return ws.close(4401, 'unauthenticated');
    if (ws.readyState !== ws.OPEN) return;
    const sinceParam = url.searchParams.get('since');
    const since = sinceParam && /^\d{1,15}$/.test(sinceParam) ? Number(sinceParam) : undefined;
    const client: Client = { ws, principal, alive: true, lastSeq: since ?? 0, chain: Promise.resolve() };
    clients.add(client);
    // without a resume point the socket starts from now (pushes queue behind this read, then go in order)
    if (since === undefined)
      enqueue(client, async () => {
        client.lastSeq = Math.max(client.lastSeq, await currentSeq(principal.userId));
      });
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => clients.delete(client));
    ws.on('error', (err) => s.logger.warn({ err, userId: principal.userId }, 'websocket error'));
    ws.on('message', (data) => {
      client.alive = true;
      let parsed: ReturnType<typeof ClientSocketMessage.safeParse>;
      try {
        parsed = ClientSocketMessage.safeParse(JSON.parse(String(data)));
      } catch {
        return; // not JSON: ignored
      }
      if (!parsed.success) return;
      if (parsed.data.type === 'ping') send(ws, { type: 'pong' });
      else resume(client, parsed.data.since);
    });
    send(ws, { type: 'ready', userId: principal.userId });
    if (since !== undefined) resume(client, since);
  }

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      signIn(ws, req, url).catch((err: unknown) => {
        s.logger.error({ err }, 'websocket sign-in failed');
        ws.close(1011, 'internal error');
      });
    });
  };
  server.on('upgrade', onUpgrade);

  const unsubscribe = s.push.subscribe((message, to) => {
    for (const client of clients) {
      if (!reaches(client, to)) continue;
      if (message.type === 'notification') notification(client, message.item);
      else send(client.ws, message);
    }
  });
  // pushes from other processes may have been lost while their channel was down: read what was missed
  const unresync = s.push.onResync(() => {
    for (const client of clients) enqueue(client, () => catchUp(client));
  });

  // a phone that lost its network never sends a close: without pings its socket would linger for hours
  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        clients.delete(client);
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }, opts.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    get size() {
      return clients.size;
    },
    close: async () => {
      clearInterval(heartbeat);
      unsubscribe();
      unresync();
      server.off('upgrade', onUpgrade);
      // wss.clients also holds sockets still signing in
      for (const ws of wss.clients) ws.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
