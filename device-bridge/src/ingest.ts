// Where every input hands its events: builds the normalised DeviceEvent (idempotency key, limits), skips recent
// duplicates, notes the device as seen, and writes the event to the durable queue. The caller acknowledges the
// device or broker only after `accept` resolved.
import type { DeviceEventType } from '@linli/contracts';
import type { BridgeConfig } from './config.js';
import type { DeviceRegistry } from './devices.js';
import type { Logger } from './log.js';
import { sha256hex, type DurableQueue, type QueuedEvent, type SnapshotInput } from './queue.js';

export interface EventDraft {
  deviceCode: string;
  communityCode?: string | undefined;
  source: QueuedEvent['source'];
  vendorCode: string;
  type: DeviceEventType;
  state: QueuedEvent['state'];
  /** ISO 8601 (any offset) */
  occurredAt: string;
  channel?: number | undefined;
  description?: string | undefined;
  payload?: Record<string, unknown>;
  /** the device's own event id, when it has one */
  deviceEventId?: string | undefined;
  snapshots?: SnapshotInput[];
}

export interface AcceptResult {
  status: 'queued' | 'duplicate' | 'skipped';
  eventId: string;
  type: DeviceEventType;
}

export interface SeenHook {
  /** called for every accepted event of a device (not for the bridge's own status events) */
  seen(deviceCode: string, communityCode: string | undefined): void;
}

const MAX_PAYLOAD = 16 * 1024;

/** sha256(deviceCode|vendorCode|state|occurredAt) hex: the key of an event without its own id. */
export function derivedEventId(
  deviceCode: string,
  vendorCode: string,
  state: string,
  occurredAt: string,
): string {
  return sha256hex(`${deviceCode}|${vendorCode}|${state}|${occurredAt}`);
}

/** ISO time → canonical ISO (UTC `Z`); a time without offset is taken as China time (+08:00). */
export function canonicalTime(value: unknown, fallback: Date = new Date()): string {
  if (typeof value === 'string' && value.trim()) {
    let s = value.trim().replace(' ', 'T');
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s += '+08:00';
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    const d = new Date(value < 1e11 ? value * 1000 : value);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  return fallback.toISOString();
}

/** Keep a payload under 16 KB as JSON: drop the largest fields first, say so. */
export function boundedPayload(payload: Record<string, unknown>): Record<string, unknown> {
  let json = JSON.stringify(payload);
  if (json.length <= MAX_PAYLOAD) return payload;
  const out: Record<string, unknown> = { ...payload };
  const sizes = Object.entries(out)
    .map(([k, v]) => [k, JSON.stringify(v)?.length ?? 0] as const)
    .sort((a, b) => b[1] - a[1]);
  const dropped: string[] = [];
  for (const [k] of sizes) {
    delete out[k];
    dropped.push(k);
    json = JSON.stringify({ ...out, _dropped: dropped });
    if (json.length <= MAX_PAYLOAD) break;
  }
  return { ...out, _dropped: dropped };
}

export class Ingest {
  private readonly lastHeartbeat = new Map<string, number>();
  hook: SeenHook | null = null;

  constructor(
    private readonly cfg: BridgeConfig,
    private readonly queue: DurableQueue,
    private readonly devices: DeviceRegistry,
    private readonly log: Logger,
  ) {}

  /** Normalise and durably queue one event. Throws QueueFullError when the queue is at its bound. */
  async accept(draft: EventDraft, opts: { own?: boolean } = {}): Promise<AcceptResult> {
    const own = draft.deviceEventId?.trim();
    const occurredAt = canonicalTime(draft.occurredAt);
    const eventId = own
      ? own.length <= 128
        ? own
        : sha256hex(own)
      : derivedEventId(draft.deviceCode, draft.vendorCode, draft.state, occurredAt);
    const device = this.devices.code(draft.deviceCode);
    const communityCode = draft.communityCode ?? device?.communityCode;
    if (!opts.own) this.hook?.seen(draft.deviceCode, communityCode);
    if (draft.type === 'heartbeat') {
      const now = Date.now();
      const last = this.lastHeartbeat.get(draft.deviceCode) ?? 0;
      if (now - last < this.cfg.heartbeatForwardMs) return { status: 'skipped', eventId, type: draft.type };
      this.lastHeartbeat.set(draft.deviceCode, now);
    }
    const key = `${draft.deviceCode}|${eventId}`;
    if (this.queue.seen(key)) return { status: 'duplicate', eventId, type: draft.type };
    const event: QueuedEvent = {
      eventId,
      deviceCode: draft.deviceCode,
      ...(communityCode ? { communityCode } : {}),
      source: draft.source,
      vendorCode: draft.vendorCode.slice(0, 128),
      type: draft.type,
      state: draft.state,
      occurredAt,
      receivedAt: new Date().toISOString(),
      ...(draft.channel !== undefined &&
      Number.isInteger(draft.channel) &&
      draft.channel >= 0 &&
      draft.channel <= 9999
        ? { channel: draft.channel }
        : {}),
      ...(draft.description ? { description: draft.description.slice(0, 500) } : {}),
      count: 1,
      payload: boundedPayload(draft.payload ?? {}),
    };
    const snapshots = (draft.snapshots ?? []).slice(0, 9);
    await this.queue.enqueue(key, event, snapshots);
    this.log.debug(
      {
        eventId,
        deviceCode: event.deviceCode,
        type: event.type,
        vendorCode: event.vendorCode,
        snapshots: snapshots.length,
      },
      'event queued',
    );
    return { status: 'queued', eventId, type: event.type };
  }
}
