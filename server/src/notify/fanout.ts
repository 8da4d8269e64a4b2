// Pushes between server processes over PostgreSQL LISTEN/NOTIFY: each process LISTENs on one channel with a
// connection of its own and NOTIFYs what it publishes; the others deliver it to the sockets they hold. A NOTIFY
// payload is limited to 8000 bytes: a longer notification goes without its body and data (the client has the
// inbox API for the rest). When the listening connection drops, messages of that gap are lost, so after
// reconnecting the bus asks every hub to catch its sockets up from the inbox tables.
// PGlite is one process: the in-process bus is all it needs, and this is not started.
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
  /** NOTIFYs go out one after the other on the one connection */
  private queue: Promise<unknown> = Promise.resolve();

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
      try {
        this.bus.receive(JSON.parse(n.payload) as Envelope);
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
    const client = this.client;
    if (!client) return; // the reconnect's resync covers it
    this.queue = this.queue
      .then(() => client.query('select pg_notify($1, $2)', [CHANNEL, payload]))
      .catch((err: unknown) => this.logger.warn({ err }, 'NOTIFY failed'));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.bus.setRemote(undefined);
    const client = this.client;
    this.client = undefined;
    await this.queue;
    if (client) await client.end().catch(() => undefined);
  }
}
