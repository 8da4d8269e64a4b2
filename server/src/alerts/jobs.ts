// The scheduled checks of alerts, durable like the notification jobs: each has a row in alert_schedule saying
// when it runs next. A tick claims a due row with a lease (one process runs it), runs it, and moves next_at on;
// a restart finds the rows where they were, so a check is neither lost nor run twice for one slot.
//   case_sweep     starts alert cases a crash left pending (every 30 s)
//   offline_check  devices silent beyond their offline_after_seconds are marked offline, with an alert
//                  (the bridge reports offline devices itself; this covers a bridge that is gone) (every minute)
//   elderly_check  a resident tagged elderly_living_alone whose home door sensor (a sensor device in their
//                  room) had no event for ALERT_ELDERLY_INACTIVE_HOURS → an elderly_inactivity alert to their
//                  grid worker, once per silence; only in ALERT_ELDERLY_CHECK_HOURS (China time) (every 30 min)
//   face_retention face snapshots older than FACE_SNAPSHOT_RETENTION_DAYS: file rows and bytes deleted, audited
//                  (hourly)
//   nonce_prune    signatures older than the timestamp window (every 5 min)
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { files, householdBindings, residents, rooms } from '../db/schema.js';
import { writeAudit } from '../domain/audit.js';
import { LocalFileStore } from '../files/storage.js';
import { chinaMinutes } from '../notify/time.js';
import type { Services } from '../services.js';
import { raiseAlert } from './announce.js';
import { sweepCases, startCases } from './cases.js';
import { pushAlert } from './ingest.js';
import { alertSchedule, alerts, deviceSnapshots, devices } from './schema.js';
import { pruneNonces } from './signing.js';
import { settingFor } from './types.js';

export interface AlertJob {
  name: string;
  everyMs: number;
  run(s: Services, now: Date): Promise<Record<string, unknown>>;
}

const MIN = 60_000;
const LEASE_MS = 5 * MIN;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function inDaytime(now: Date, hours: string): boolean {
  const [start, end] = hours.split('-') as [string, string];
  const m = chinaMinutes(now);
  return m >= minutesOf(start) && m < minutesOf(end);
}

/** Devices silent beyond their window: offline, and a device_offline alert (one per silence). */
export async function checkOffline(s: Services, now: Date): Promise<Record<string, unknown>> {
  const silent = await s.db
    .select()
    .from(devices)
    .where(
      and(
        eq(devices.active, true),
        eq(devices.online, true),
        sql`coalesce(${devices.lastSeenAt}, ${devices.createdAt}) < ${now.toISOString()}::timestamptz - make_interval(secs => ${devices.offlineAfterSeconds})`,
      ),
    )
    .limit(500);
  const raised: string[] = [];
  for (const d of silent) {
    const alert = await s.db.transaction(async (tx) => {
      const [flipped] = await tx
        .update(devices)
        .set({ online: false, updatedAt: now })
        .where(and(eq(devices.id, d.id), eq(devices.online, true)))
        .returning();
      if (!flipped) return null;
      const [open] = await tx
        .select({ id: alerts.id })
        .from(alerts)
        .where(
          and(
            eq(alerts.deviceId, d.id),
            eq(alerts.type, 'device_offline'),
            inArray(alerts.status, ['open', 'acknowledged', 'verifying']),
          ),
        );
      if (open) return null;
      const since = d.lastSeenAt ?? d.createdAt;
      return raiseAlert(
        tx,
        {
          type: 'device_offline',
          setting: await settingFor(tx, d.communityId, 'device_offline'),
          dedupKey: `offline:${d.id}:${since.toISOString()}`,
          at: now,
          communityId: d.communityId,
          device: d,
          gridId: d.gridId,
          orgPath: d.orgPath,
          location: d.spot ? `${d.location}（${d.spot}）` : d.location,
          note: `${d.name}自 ${since.toISOString()} 起无心跳（服务器检查）`,
        },
        s.config.notify.linkBase,
      );
    });
    if (alert) {
      raised.push(alert.id);
      pushAlert(
        s,
        {
          type: 'alert',
          eventId: `offline:${alert.id}`,
          alertId: alert.id,
          count: 1,
          status: alert.status,
          alertType: 'device_offline',
          deviceCode: d.code,
          location: alert.location,
          occurredAt: now.toISOString(),
          at: now.toISOString(),
        },
        alert.orgPath,
        alert.forProperty,
      );
    }
  }
  return { silent: silent.length, raised: raised.length };
}

/** Elderly residents living alone whose home door has been silent too long. */
export async function checkElderly(s: Services, now: Date): Promise<Record<string, unknown>> {
  const cfg = s.config.alerts;
  if (!inDaytime(now, cfg.elderlyCheckHours)) return { skipped: 'night' };
  const cutoff = new Date(now.getTime() - cfg.elderlyInactiveHours * 3_600_000);
  const rows = await s.db
    .select({ resident: residents, device: devices, room: rooms })
    .from(residents)
    .innerJoin(
      householdBindings,
      and(eq(householdBindings.residentId, residents.id), eq(householdBindings.status, 'verified')),
    )
    .innerJoin(rooms, eq(rooms.id, householdBindings.roomId))
    .innerJoin(
      devices,
      and(eq(devices.roomId, rooms.id), eq(devices.active, true), eq(devices.kind, 'sensor')),
    )
    .where(and(eq(residents.status, 'active'), sql`'elderly_living_alone' = any(${residents.tags})`));
  const raised: string[] = [];
  for (const { resident, device, room } of rows) {
    const last = device.lastEventAt ?? device.createdAt;
    if (last > cutoff) continue;
    const hours = Math.floor((now.getTime() - last.getTime()) / 3_600_000);
    const alert = await s.db.transaction(async (tx) =>
      raiseAlert(
        tx,
        {
          type: 'elderly_inactivity',
          setting: await settingFor(tx, device.communityId, 'elderly_inactivity'),
          // once per silence: the same last event never raises a second alert
          dedupKey: `elderly:${resident.id}:${last.toISOString()}`,
          at: now,
          communityId: device.communityId,
          device,
          gridId: room.gridId,
          orgPath: room.orgPath,
          location: room.standardAddress,
          note: `独居老人${resident.name.slice(0, 1)}**家门磁已 ${hours} 小时无开关门记录，请上门或电话查看`,
        },
        s.config.notify.linkBase,
      ),
    );
    if (alert) raised.push(alert.id);
  }
  if (raised.length) await startCases(s, raised);
  return { residents: rows.length, raised: raised.length };
}

/** Face snapshots past the retention: bytes and file rows deleted, each deletion audited. */
export async function purgeFaces(s: Services, now: Date): Promise<Record<string, unknown>> {
  const before = new Date(now.getTime() - s.config.alerts.faceRetentionDays * 86_400_000);
  const old = await s.db
    .select({ snap: deviceSnapshots, file: files })
    .from(deviceSnapshots)
    .innerJoin(files, eq(files.id, deviceSnapshots.fileId))
    .where(and(eq(deviceSnapshots.kind, 'face'), lt(deviceSnapshots.createdAt, before)))
    .limit(1000);
  for (const { snap, file } of old) {
    await s.db.transaction(async (tx) => {
      await tx.delete(deviceSnapshots).where(eq(deviceSnapshots.fileId, snap.fileId));
      await tx.delete(files).where(eq(files.id, file.id));
      await tx
        .update(alerts)
        .set({ snapshotFileIds: sql`array_remove(${alerts.snapshotFileIds}, ${file.id}::uuid)` })
        .where(sql`${file.id}::uuid = any(${alerts.snapshotFileIds})`);
      await writeAudit(tx, {
        actorUserId: null,
        action: 'delete_face_snapshot',
        targetType: 'device_snapshot',
        targetId: file.id,
        fields: ['face'],
        reason: `保存期满 ${s.config.alerts.faceRetentionDays} 天，自动删除`,
        orgPath: snap.orgPath,
      });
    });
    // the bytes after the rows: a crash in between leaves an orphan file, never a row without bytes
    const store = s.files as Partial<{ delete(key: string): Promise<void> }>;
    if (typeof store.delete === 'function') await store.delete(file.storageKey);
    else if (s.files instanceof LocalFileStore && /^\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}$/.test(file.storageKey))
      await unlink(path.join(s.files.root, file.storageKey)).catch(() => undefined);
  }
  return { deleted: old.length };
}

export const ALERT_JOBS: AlertJob[] = [
  { name: 'case_sweep', everyMs: 30_000, run: async (s) => ({ started: await sweepCases(s) }) },
  { name: 'offline_check', everyMs: MIN, run: checkOffline },
  { name: 'elderly_check', everyMs: 30 * MIN, run: checkElderly },
  { name: 'face_retention', everyMs: 60 * MIN, run: purgeFaces },
  {
    name: 'nonce_prune',
    everyMs: 5 * MIN,
    run: async (s, now) => ({ pruned: await pruneNonces(s.db, now) }),
  },
];

/** Claims and runs every due job once; returns the names run. */
export async function runDueAlertJobs(s: Services, now = s.now(), jobs = ALERT_JOBS): Promise<string[]> {
  await s.db
    .insert(alertSchedule)
    .values(jobs.map((j) => ({ name: j.name, nextAt: now })))
    .onConflictDoNothing();
  const ran: string[] = [];
  for (const job of jobs) {
    const [claimed] = await s.db
      .update(alertSchedule)
      .set({ lockedUntil: new Date(now.getTime() + LEASE_MS) })
      .where(
        and(
          eq(alertSchedule.name, job.name),
          lte(alertSchedule.nextAt, now),
          or(isNull(alertSchedule.lockedUntil), lt(alertSchedule.lockedUntil, now)),
        ),
      )
      .returning();
    if (!claimed) continue;
    let result: Record<string, unknown>;
    try {
      result = await job.run(s, now);
    } catch (err) {
      s.logger.error({ err, job: job.name }, 'alert job failed; it runs again at its next slot');
      result = { error: (err as Error).message };
    }
    // the next slot after now (a server down for hours runs a check once, not once per missed slot)
    let next = claimed.nextAt.getTime() + job.everyMs;
    if (next <= now.getTime()) next = now.getTime() + job.everyMs;
    await s.db
      .update(alertSchedule)
      .set({ nextAt: new Date(next), lockedUntil: null, lastRunAt: now, lastResult: result })
      .where(eq(alertSchedule.name, job.name));
    ran.push(job.name);
  }
  return ran;
}

/** The ticker of a running server (started in main.ts). */
export class AlertJobs {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly s: Services,
    private readonly tickMs = 10_000,
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = runDueAlertJobs(this.s)
        .catch((err: unknown) => this.s.logger.error({ err }, 'alert jobs tick failed'))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, this.tickMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
