// The WebSocket hub at `/ws`: a signed-in client hears about tasks it may act on and cases it started.
// The access token comes as `?token=` or as a second subprotocol (`new WebSocket(url, ['linli', token])`,
// for clients that cannot put it in the URL). A bad token closes with 4401: a browser cannot read the HTTP
// status of a refused upgrade, but it can read a close code. Minimal by design: the notification issue adds
// the durable inbox and resuming from the last message.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PushMessage } from '@linli/contracts';
import { verifyAccess } from '../auth/tokens.js';
import { loadPrincipal, type Principal } from '../policy/principal.js';
import { groupsAt } from '../policy/workflow.js';
import type { Services } from '../services.js';
import type { Audience } from './push.js';

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
}

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

  const send = (ws: WebSocket, message: PushMessage) => ws.send(JSON.stringify(message));

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
    const client: Client = { ws, principal, alive: true };
    clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => clients.delete(client));
    ws.on('error', (err) => s.logger.warn({ err, userId: principal.userId }, 'websocket error'));
    // clients only listen; anything they send is ignored
    send(ws, { type: 'ready', userId: principal.userId });
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
    for (const client of clients) if (reaches(client, to)) send(client.ws, message);
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
      server.off('upgrade', onUpgrade);
      // wss.clients also holds sockets still signing in
      for (const ws of wss.clients) ws.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
