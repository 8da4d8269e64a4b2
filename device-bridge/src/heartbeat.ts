// Device liveness: last seen per device; silence beyond the device's window (or an MQTT last-will `offline` on its
// status topic) marks it offline and queues a `device_offline` event; the next sign of life queues `device_online`.
// The state is kept in `<dataDir>/devices.json` so a restart does not raise the same offline alert twice.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { DeviceRegistry } from './devices.js';
import type { Ingest, SeenHook } from './ingest.js';
import type { Logger } from './log.js';
import { QueueFullError } from './queue.js';

interface DeviceState {
  lastSeen: number;
  online: boolean;
  communityCode?: string | undefined;
}

export class Heartbeats implements SeenHook {
  private readonly state = new Map<string, DeviceState>();
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(
    private readonly ingest: Ingest,
    private readonly devices: DeviceRegistry,
    dataDir: string,
    private readonly log: Logger,
    private readonly checkEveryMs = 1000,
  ) {
    this.file = path.join(dataDir, 'devices.json');
  }

  async start(): Promise<void> {
    const now = Date.now();
    try {
      const saved = JSON.parse(await fsp.readFile(this.file, 'utf8')) as Record<string, DeviceState>;
      for (const [code, s] of Object.entries(saved))
        this.state.set(code, { ...s, lastSeen: Math.max(s.lastSeen, 0) });
    } catch {
      // first start
    }
    // A device unknown so far counts as seen now: its window starts with the bridge.
    for (const d of this.devices.devices) {
      if (!this.state.has(d.code)) this.state.set(d.code, { lastSeen: now, online: true });
    }
    // After a restart the silence clock restarts too (the bridge could not listen while it was down).
    for (const s of this.state.values()) if (s.online) s.lastSeen = Math.max(s.lastSeen, now);
    this.ingest.hook = this;
    this.timer = setInterval(() => void this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.saving;
  }

  isOnline(code: string): boolean | undefined {
    return this.state.get(code)?.online;
  }

  seen(deviceCode: string, communityCode: string | undefined): void {
    const s = this.state.get(deviceCode);
    const now = Date.now();
    if (!s) {
      this.state.set(deviceCode, { lastSeen: now, online: true, communityCode });
      return;
    }
    s.lastSeen = now;
    if (!s.online) void this.change(deviceCode, true, 'the device sent an event again');
  }

  /** From an MQTT status topic (`offline` is the device's last will) */
  status(deviceCode: string, communityCode: string | undefined, online: boolean): Promise<void> {
    const s = this.state.get(deviceCode);
    if (!s) this.state.set(deviceCode, { lastSeen: Date.now(), online: !online, communityCode });
    else if (online) s.lastSeen = Date.now();
    if ((this.state.get(deviceCode)?.online ?? true) === online) return Promise.resolve();
    return this.change(
      deviceCode,
      online,
      online ? 'status topic: online' : 'status topic: offline (last will)',
    );
  }

  async check(now = Date.now()): Promise<void> {
    for (const d of this.devices.devices) {
      if (d.heartbeatWindowSec <= 0) continue;
      const s = this.state.get(d.code);
      if (s?.online && now - s.lastSeen > d.heartbeatWindowSec * 1000) {
        await this.change(d.code, false, `silent for more than ${d.heartbeatWindowSec} s`);
      }
    }
  }

  private async change(code: string, online: boolean, reason: string): Promise<void> {
    const s = this.state.get(code);
    if (!s || s.online === online) return;
    s.online = online;
    const at = new Date();
    try {
      await this.ingest.accept(
        {
          deviceCode: code,
          communityCode: s.communityCode,
          source: 'bridge',
          vendorCode: online ? 'bridge:online' : 'bridge:offline',
          type: online ? 'device_online' : 'device_offline',
          state: online ? 'stop' : 'start',
          occurredAt: at.toISOString(),
          description: reason,
          payload: { reason, lastSeenAt: new Date(s.lastSeen).toISOString() },
        },
        { own: true },
      );
      this.log.info({ deviceCode: code, online, reason }, online ? 'device online' : 'device offline');
    } catch (err) {
      // could not queue it: flip back so the next check tries again
      s.online = !online;
      if (!(err instanceof QueueFullError))
        this.log.error({ err, deviceCode: code }, 'could not queue a status event');
    }
    this.save();
  }

  private save(): void {
    const data = Object.fromEntries(this.state);
    this.saving = this.saving
      .then(async () => {
        const tmp = `${this.file}.tmp`;
        await fsp.writeFile(tmp, JSON.stringify(data));
        await fsp.rename(tmp, this.file);
      })
      .catch((err: unknown) => this.log.warn({ err }, 'could not save device states'));
  }
}
