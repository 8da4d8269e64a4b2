// A real HTTP ingest server for the bridge's tests: verifies the HMAC, timestamp and replay exactly as the wire
// contract says, validates the batch with the contracts schema, dedups on (deviceCode, eventId) and answers per
// event. Modes let a test take it down (connection refused), answer 503 or 401.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeviceEventBatch, type DeviceEvent } from '@linli/contracts';

export interface IngestServerOptions {
  bridgeId?: string;
  secret?: string;
  /** device codes the "server" knows; others are answered `rejected` (unknown device). Empty = all known */
  knownDevices?: string[];
  port?: number;
}

export type IngestMode = 'up' | 'unavailable' | 'unauthorized';

export class IngestServer {
  bridgeId: string;
  readonly secret: string;
  /** events stored (accepted), in arrival order */
  readonly events: DeviceEvent[] = [];
  readonly duplicates: DeviceEvent[] = [];
  readonly rejected: DeviceEvent[] = [];
  /** whole-request refusals: status + error code */
  readonly refusals: { status: number; code: string }[] = [];
  readonly snapshots = new Map<
    string,
    { fileId: string; bytes: Buffer; contentType: string; kind: string }
  >();
  requests = 0;
  mode: IngestMode = 'up';
  private server: http.Server | null = null;
  private readonly seenKeys = new Set<string>();
  private readonly seenSignatures = new Set<string>();
  private known: Set<string> | null;
  private waiters: { n: number; resolve: () => void }[] = [];
  port = 0;

  constructor(opts: IngestServerOptions = {}) {
    this.bridgeId = opts.bridgeId ?? 'test-bridge';
    this.secret = opts.secret ?? 'test-bridge-secret-0123456789';
    this.known = opts.knownDevices?.length ? new Set(opts.knownDevices) : null;
    this.port = opts.port ?? 0;
  }

  /** device codes the server knows from now on (others are answered rejected) */
  setKnownDevices(codes: string[]): void {
    this.known = new Set(codes);
  }

  expectBridge(id: string): void {
    this.bridgeId = id;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stop listening (the bridge sees connection refused) — `start()` again brings it back on the same port. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** Resolves once `n` distinct events are stored. */
  waitForEvents(n: number, timeoutMs = 20_000): Promise<void> {
    if (this.events.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`timed out waiting for ${n} events; have ${this.events.length}`)),
        timeoutMs,
      );
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
      });
    });
  }

  private answer(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private refuse(res: http.ServerResponse, status: number, code: string, message: string) {
    this.refusals.push({ status, code });
    this.answer(res, status, { error: { code, message } });
  }

  private handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    this.requests += 1;
    if (this.mode === 'unavailable') return this.refuse(res, 503, 'not_ready', 'server is starting');
    if (this.mode === 'unauthorized')
      return this.refuse(res, 401, 'unknown_bridge', 'bridge is not registered');
    const bridge = req.headers['x-linli-bridge'];
    const ts = String(req.headers['x-linli-timestamp'] ?? '');
    const sig = String(req.headers['x-linli-signature'] ?? '');
    if (bridge !== this.bridgeId)
      return this.refuse(res, 401, 'unknown_bridge', `unknown bridge ${String(bridge)}`);
    if (!/^\d+$/.test(ts) || Math.abs(Date.now() - Number(ts)) > 300_000) {
      return this.refuse(res, 401, 'stale_timestamp', 'timestamp is more than 300 s away');
    }
    if (req.url === '/api/v1/device-snapshots') {
      const hash = createHash('sha256').update(body).digest('hex');
      const expect = `sha256=${createHmac('sha256', this.secret).update(`${ts}.${hash}`).digest('hex')}`;
      if (sig !== expect) return this.refuse(res, 401, 'bad_signature', 'signature does not match');
      if (this.seenSignatures.has(sig)) return this.refuse(res, 401, 'replayed', 'signature seen before');
      this.seenSignatures.add(sig);
      let snap = this.snapshots.get(hash);
      if (!snap) {
        snap = {
          fileId: randomUUID(),
          bytes: body,
          contentType: String(req.headers['content-type']),
          kind: String(req.headers['x-linli-snapshot-kind']),
        };
        this.snapshots.set(hash, snap);
      }
      return this.answer(res, 201, {
        fileId: snap.fileId,
        sha256: hash,
        size: body.length,
        contentType: snap.contentType,
      });
    }
    if (req.url !== '/api/v1/device-events') return this.refuse(res, 404, 'not_found', 'no such route');
    const expect = `sha256=${createHmac('sha256', this.secret).update(`${ts}.`).update(body).digest('hex')}`;
    if (sig !== expect) return this.refuse(res, 401, 'bad_signature', 'signature does not match');
    if (this.seenSignatures.has(sig)) return this.refuse(res, 401, 'replayed', 'signature seen before');
    this.seenSignatures.add(sig);
    if (body.length > 5 * 1024 * 1024) return this.refuse(res, 413, 'too_large', 'over 5 MB');
    let parsed;
    try {
      parsed = DeviceEventBatch.safeParse(JSON.parse(body.toString('utf8')));
    } catch {
      return this.refuse(res, 400, 'malformed_json', 'body is not JSON');
    }
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      return this.refuse(res, 400, 'invalid_batch', `${i.path.join('.')}: ${i.message}`);
    }
    const results = parsed.data.events.map((ev) => {
      if (this.known && !this.known.has(ev.deviceCode)) {
        this.rejected.push(ev);
        return {
          eventId: ev.eventId,
          status: 'rejected' as const,
          alertId: null,
          reason: `unknown device ${ev.deviceCode}`,
        };
      }
      const key = `${ev.deviceCode}|${ev.eventId}`;
      if (this.seenKeys.has(key)) {
        this.duplicates.push(ev);
        return { eventId: ev.eventId, status: 'duplicate' as const, alertId: null };
      }
      this.seenKeys.add(key);
      this.events.push(ev);
      return { eventId: ev.eventId, status: 'accepted' as const, alertId: null };
    });
    this.answer(res, 200, { results });
    this.waiters = this.waiters.filter((w) => {
      if (this.events.length >= w.n) {
        w.resolve();
        return false;
      }
      return true;
    });
  }
}
