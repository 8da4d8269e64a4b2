// Drains the durable queue in order to the server: batches of up to 200 (linger ≤ 5 ms), snapshots uploaded first
// (idempotent by content), signed, posted. Per-event answers (accepted / duplicate / rejected) remove the events;
// a whole-request error (401, 400, 413, 5xx, network) keeps them and backs off (exponential + jitter, max 30 s).
import { DeviceEventBatchResult, type DeviceEvent, type DeviceSnapshotRef } from '@linli/contracts';
import type { Logger } from './log.js';
import type { DurableQueue, QueueItem } from './queue.js';
import { signBody, signSnapshot, uniqueTimestamp } from './sign.js';

export interface ForwarderOptions {
  queue: DurableQueue;
  serverUrl: string;
  bridgeId: string;
  secret: string;
  log: Logger;
  batchMax?: number;
  lingerMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  requestTimeoutMs?: number;
}

export interface ForwarderMetrics {
  batches: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  failures: number;
  lastError: string | null;
  backoffMs: number;
}

const MAX_BODY = 4_500_000;

export class Forwarder {
  readonly metrics: ForwarderMetrics = {
    batches: 0,
    accepted: 0,
    duplicate: 0,
    rejected: 0,
    failures: 0,
    lastError: null,
    backoffMs: 0,
  };
  private running = false;
  private loop: Promise<void> | null = null;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  private readonly fileIds = new Map<string, string>();
  private batchMax: number;
  private attempt = 0;
  private readonly o: Required<ForwarderOptions>;

  constructor(opts: ForwarderOptions) {
    this.o = {
      batchMax: 200,
      lingerMs: 2,
      backoffBaseMs: 250,
      backoffMaxMs: 30_000,
      requestTimeoutMs: 15_000,
      ...opts,
    };
    this.batchMax = this.o.batchMax;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  /** Cut a backoff short (e.g. a test that brought the server back). */
  wake(): void {
    if (this.sleeper) {
      clearTimeout(this.sleeper.timer);
      this.sleeper.resolve();
      this.sleeper = null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeper = null;
        resolve();
      }, ms);
      this.sleeper = { timer, resolve };
    });
  }

  private async run(): Promise<void> {
    const { queue, log } = this.o;
    while (this.running) {
      await Promise.race([queue.waitForEvents(), this.sleep(1000)]);
      this.wake(); // clear the idle timer if events came first
      if (!this.running) break;
      if (queue.depth === 0) continue;
      if (queue.depth < this.batchMax && queue.oldestAgeMs() < this.o.lingerMs)
        await this.sleep(this.o.lingerMs);
      const items = queue.peek(this.batchMax);
      try {
        await this.send(items);
        this.attempt = 0;
        this.metrics.backoffMs = 0;
      } catch (err) {
        this.attempt += 1;
        this.metrics.failures += 1;
        this.metrics.lastError = (err as Error).message;
        const cap = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** Math.min(this.attempt - 1, 20));
        const delay = Math.round(cap / 2 + (Math.random() * cap) / 2);
        this.metrics.backoffMs = delay;
        log.warn(
          { err: (err as Error).message, depth: queue.depth, retryInMs: delay },
          'forwarding to the server failed; events stay queued',
        );
        if (this.running) await this.sleep(delay);
      }
    }
  }

  private async send(items: QueueItem[]): Promise<void> {
    const events: DeviceEvent[] = [];
    let size = 20;
    for (const item of items) {
      const snapshots: DeviceSnapshotRef[] = [];
      for (let i = 0; i < item.snapshots.length; i += 1) snapshots.push(await this.upload(item, i));
      const ev: DeviceEvent = { ...item.event, snapshots };
      const len = Buffer.byteLength(JSON.stringify(ev)) + 1;
      if (events.length > 0 && size + len > MAX_BODY) break;
      size += len;
      events.push(ev);
    }
    const body = JSON.stringify({ events });
    const res = await this.post('/api/v1/device-events', body, 'application/json', (ts) =>
      signBody(this.o.secret, ts, body),
    );
    const text = await res.text();
    if (res.status !== 200) {
      if (res.status === 413) this.batchMax = Math.max(1, Math.floor(events.length / 2));
      throw new Error(`server answered ${res.status}: ${errorText(text)}`);
    }
    this.batchMax = this.o.batchMax;
    let parsed: DeviceEventBatchResult;
    try {
      parsed = DeviceEventBatchResult.parse(JSON.parse(text));
    } catch {
      throw new Error(
        `server answered 200 with a body that is not a DeviceEventBatchResult: ${text.slice(0, 200)}`,
      );
    }
    if (parsed.results.length !== events.length) {
      throw new Error(`server answered ${parsed.results.length} results for ${events.length} events`);
    }
    parsed.results.forEach((r, i) => {
      const ev = events[i]!;
      if (r.eventId !== ev.eventId)
        this.o.log.warn({ expected: ev.eventId, got: r.eventId }, 'result order mismatch');
      this.metrics[r.status] += 1;
      if (r.status === 'rejected') {
        this.o.log.warn(
          { eventId: ev.eventId, deviceCode: ev.deviceCode, type: ev.type, reason: r.reason },
          'server rejected an event for good (kept there as unmatched); removed from the queue',
        );
      }
    });
    this.metrics.batches += 1;
    await this.o.queue.markDone(items[events.length - 1]!.seq);
  }

  private async upload(item: QueueItem, index: number): Promise<DeviceSnapshotRef> {
    const s = item.snapshots[index]!;
    let fileId = this.fileIds.get(s.sha256);
    if (!fileId) {
      const bytes = await this.o.queue.readSnapshot(item, index);
      const res = await this.post(
        '/api/v1/device-snapshots',
        bytes,
        s.contentType,
        (ts) => signSnapshot(this.o.secret, ts, bytes),
        { 'X-Linli-Snapshot-Kind': s.kind },
      );
      const text = await res.text();
      if (res.status !== 200 && res.status !== 201) {
        throw new Error(`snapshot upload answered ${res.status}: ${errorText(text)}`);
      }
      const got = JSON.parse(text) as { fileId?: unknown };
      if (typeof got.fileId !== 'string') throw new Error('snapshot upload answered without a fileId');
      fileId = got.fileId;
      this.fileIds.set(s.sha256, fileId);
      if (this.fileIds.size > 10_000) this.fileIds.delete(this.fileIds.keys().next().value!);
    }
    return { fileId, contentType: s.contentType, size: s.size, sha256: s.sha256, kind: s.kind };
  }

  private async post(
    pathname: string,
    body: string | Buffer,
    contentType: string,
    sign: (ts: number) => string,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const ts = uniqueTimestamp();
    return fetch(`${this.o.serverUrl}${pathname}`, {
      method: 'POST',
      body,
      headers: {
        'Content-Type': contentType,
        'X-Linli-Bridge': this.o.bridgeId,
        'X-Linli-Timestamp': String(ts),
        'X-Linli-Signature': sign(ts),
        ...extra,
      },
      signal: AbortSignal.timeout(this.o.requestTimeoutMs),
    });
  }
}

function errorText(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { code?: string; id?: string; message?: string } };
    if (j.error) return `${j.error.code ?? j.error.id ?? 'error'}: ${j.error.message ?? ''}`;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
