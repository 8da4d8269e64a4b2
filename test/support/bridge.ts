// Tests that play a device bridge against a running server: the signed requests a bridge sends
// (server/src/alerts/signing.ts): `sha256=` HMAC-SHA256 over `<timestamp>.` + the raw body (for a snapshot, its
// bytes' sha256 hex), a new timestamp per request (the server refuses a signature it has seen).
import { createHash, createHmac, randomUUID } from 'node:crypto';

export interface PostedEvents {
  status: number;
  results: { eventId: string; status: string; alertId: string | null; reason?: string }[];
}

export class TestBridge {
  /** shared by every instance: two bridges' requests in one test never share a timestamp */
  private static lastTimestamp = 0;

  constructor(
    private readonly base: string,
    readonly bridgeId: string,
    private readonly secret: string,
  ) {}

  private headers(signed: string): Record<string, string> {
    TestBridge.lastTimestamp = Math.max(Date.now(), TestBridge.lastTimestamp + 1);
    const ts = String(TestBridge.lastTimestamp);
    return {
      'x-linli-bridge': this.bridgeId,
      'x-linli-timestamp': ts,
      'x-linli-signature': `sha256=${createHmac('sha256', this.secret).update(`${ts}.`).update(signed).digest('hex')}`,
    };
  }

  /** POST /api/v1/device-events with these events, signed. */
  async postEvents(events: Record<string, unknown>[]): Promise<PostedEvents> {
    const raw = JSON.stringify({ events });
    const res = await fetch(`${this.base}/api/v1/device-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers(raw) },
      body: raw,
    });
    const body = (await res.json()) as { results?: PostedEvents['results'] };
    return { status: res.status, results: body.results ?? [] };
  }

  /** POST /api/v1/device-snapshots with these bytes, signed; the server's answer and status. */
  async postSnapshot(
    data: Buffer,
    contentType: string,
    kind: string,
  ): Promise<{
    status: number;
    body: { fileId: string; size: number; sha256: string; contentType: string };
  }> {
    const sha = createHash('sha256').update(data).digest('hex');
    const res = await fetch(`${this.base}/api/v1/device-snapshots`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-linli-snapshot-kind': kind, ...this.headers(sha) },
      body: data,
    });
    return { status: res.status, body: (await res.json()) as never };
  }
}

/** One event in the project's own format (contracts DeviceEvent), as a bridge forwards it. */
export function deviceEvent(
  deviceCode: string,
  type: string,
  at: Date = new Date(),
  extra: Record<string, unknown> = {},
): Record<string, unknown> & { eventId: string } {
  return {
    eventId: randomUUID(),
    deviceCode,
    source: 'mqtt',
    vendorCode: type,
    type,
    state: 'pulse',
    occurredAt: at.toISOString(),
    receivedAt: at.toISOString(),
    count: 1,
    snapshots: [],
    payload: {},
    ...extra,
  };
}
