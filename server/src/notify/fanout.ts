// Pushes between server processes over PostgreSQL LISTEN/NOTIFY: each process LISTENs on one channel with a
// connection of its own and NOTIFYs what it publishes; the others deliver it to the sockets they hold. A NOTIFY
// payload is limited to 8000 bytes: a longer notification goes without its body and data (the client has the
// inbox API for the rest). When the listening connection drops, messages of that gap are lost, so after
// reconnecting the bus asks every hub to catch its sockets up from the inbox tables.
// PGlite is one process: the in-process bus is all it needs, and this is not started.
// Under load the pushes of many steps and device events go together: one NOTIFY statement is on its way at a time,
// and what is published meanwhile leaves in the next one, packed as JSON arrays of envelopes (each payload under
// the limit). A process skips its own notifications by the sending backend's pid, before parsing them.
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import type { Envelope, PushBus, Remote } from '../ws/push.js';

export const CHANNEL = 'linli_push';
const MAX_PAYLOAD = 7900;

export class PgFanout implements Remote {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private connected = false;
  /** envelopes (as JSON) waiting for the next NOTIFY statement */
  private pending: string[] = [];
  /** the NOTIFY statement on its way, if any: one at a time on the one connection */
  private sending: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly bus: PushBus,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.bus.setRemote(this);
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      // our own, come back: the bus would skip it by its origin, but not parsing it at all is cheaper
      if (n.processId === (client as unknown as { processID?: number }).processID) return;
      try {
        const parsed = JSON.parse(n.payload) as Envelope | Envelope[];
        for (const envelope of Array.isArray(parsed) ? parsed : [parsed]) this.bus.receive(envelope);
      } catch (err) {
        this.logger.warn({ err }, 'unreadable push from another process');
      }
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.connected = false;
      if (!this.closed) this.retry = setTimeout(() => void this.reconnect(), 1000);
    };
    client.on('error', (err) => {
      this.logger.warn({ err }, 'push listener connection failed');
      lost();
    });
    client.on('end', lost);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
    this.connected = true;
  }

  private async reconnect(): Promise<void> {
    try {
      await this.connect();
      this.bus.resync();
    } catch (err) {
      this.logger.warn({ err }, 'push listener could not reconnect; trying again');
      if (!this.closed) this.retry = setTimeout(() => void this.reconnect(), 2000);
    }
  }

  get listening(): boolean {
    return this.connected;
  }

  publish(envelope: Envelope): void {
    let payload = JSON.stringify(envelope);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD && envelope.message.type === 'notification') {
      const item = { ...envelope.message.item, body: envelope.message.item.body.slice(0, 200), data: {} };
      payload = JSON.stringify({ ...envelope, message: { type: 'notification', item } });
    }
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
      this.logger.warn({ type: envelope.message.type }, 'push too large for NOTIFY; other processes skip it');
      return;
    }
    if (!this.client) return; // the reconnect's resync covers it
    this.pending.push(payload);
    // after the current task: what it publishes in a loop (a batch of device events) goes in one statement
    this.sending ??= Promise.resolve().then(() => this.send());
  }

  /** Sends what is pending, in as few NOTIFYs (and one statement) as the payload limit allows, until none is. */
  private async send(): Promise<void> {
    while (this.pending.length && this.client) {
      const client = this.client;
      const payloads: string[] = [];
      let current: string[] = [];
      let size = 2;
      for (const one of this.pending.splice(0, 500)) {
        const bytes = Buffer.byteLength(one) + 1;
        if (current.length && size + bytes > MAX_PAYLOAD) {
          payloads.push(`[${current.join(',')}]`);
          [current, size] = [[], 2];
        }
        current.push(one);
        size += bytes;
      }
      if (current.length) payloads.push(`[${current.join(',')}]`);
      const calls = payloads.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ');
      await client
        .query(`select ${calls}`, [CHANNEL, ...payloads])
        .catch((err: unknown) => this.logger.warn({ err }, 'NOTIFY failed'));
    }
    this.sending = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.bus.setRemote(undefined);
    await this.sending;
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }
}
