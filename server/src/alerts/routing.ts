// Who hears about an alert, in order:
//   1. the grid's on-duty workers from grid_duty_roster (weekday and shift in China time, Asia/Shanghai);
//   2. else every grid worker of the grid (role assignments on the grid);
//   3. else the community admins above it.
// Plus, for building faults, the staff of the property company that manages the building's compound:
//   - device_offline of a device in a building (building, unit or room level);
//   - door_held_open of a unit door (a door device placed on a unit).
// The escalation chain of the alert's case: the routed people, then the rest of the roster in its order, then
// the community admins.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { orgUnits, roleAssignments, users } from '../db/schema.js';
import { notifyPreferences } from '../notify/schema.js';
import { gridDutyRoster } from './schema.js';

export interface RouteInput {
  type: string;
  gridId: string | null;
  orgPath: string;
  buildingId: string | null;
  unitId: string | null;
  roomId: string | null;
  deviceKind: string | null;
  propertyCompanyId: string | null;
  at: Date;
}

export interface Routing {
  /** who is told first (on duty, else the grid's workers, else the community admins) */
  routed: string[];
  /** how they were found */
  by: 'roster' | 'grid_workers' | 'community_admins' | 'nobody';
  /** the order of escalation for the case */
  chain: string[];
  admins: string[];
  /** property staff, for building faults */
  property: string[];
}

/** A building fault is the property company's business too (the rule above). */
export function isBuildingFault(
  r: Pick<RouteInput, 'type' | 'buildingId' | 'unitId' | 'deviceKind'>,
): boolean {
  if (r.type === 'device_offline') return r.buildingId !== null;
  if (r.type === 'door_held_open') return r.unitId !== null && r.deviceKind === 'door';
  return false;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** ISO weekday (1–7) and minutes since midnight, China time. */
export function chinaClock(at: Date): { weekday: number; minutes: number } {
  const local = new Date(at.getTime() + CHINA_OFFSET_MS);
  const day = local.getUTCDay();
  return { weekday: day === 0 ? 7 : day, minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Is a roster entry on duty at this time? A shift may pass midnight; its weekday is the day it starts. */
export function onShift(e: { weekdays: number[]; shiftStart: string; shiftEnd: string }, at: Date): boolean {
  const { weekday, minutes } = chinaClock(at);
  const start = minutesOf(e.shiftStart);
  const end = minutesOf(e.shiftEnd);
  if (start <= end) return e.weekdays.includes(weekday) && minutes >= start && minutes <= end;
  // overnight: the evening part belongs to today, the morning part to yesterday's shift
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  return (
    (e.weekdays.includes(weekday) && minutes >= start) || (e.weekdays.includes(yesterday) && minutes <= end)
  );
}

/**
 * Lookups shared by the alerts of one ingest batch: a batch of 200 new alerts mostly asks the same few
 * questions (the same grids' rosters, the same community's admins), so each is asked once per batch.
 * Within one transaction, so the answers cannot go stale.
 */
export class Lookups {
  private readonly cache = new Map<string, Promise<unknown>>();
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.cache.set(key, hit);
    }
    return hit;
  }
}

async function activeWith(db: DbOrTx, role: string, cond: ReturnType<typeof sql>): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: roleAssignments.userId, created: users.createdAt })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(eq(roleAssignments.role, role as 'grid_worker'), eq(users.status, 'active'), cond))
    .orderBy(asc(users.createdAt));
  return [...new Set(rows.map((r) => r.id))];
}

export async function routeAlert(db: DbOrTx, r: RouteInput, lookups = new Lookups()): Promise<Routing> {
  const gridId = r.gridId;
  const roster = gridId
    ? await lookups.get(`roster:${gridId}`, async () =>
        db
          .select()
          .from(gridDutyRoster)
          .innerJoin(users, eq(users.id, gridDutyRoster.userId))
          .where(and(eq(gridDutyRoster.gridId, gridId), eq(users.status, 'active')))
          .orderBy(asc(gridDutyRoster.order), asc(gridDutyRoster.createdAt)),
      )
    : [];
  const onDuty = roster
    .filter((e) => onShift(e.grid_duty_roster, r.at))
    .map((e) => e.grid_duty_roster.userId);
  // the community admins: community_admin grants on a unit whose path is above the alert's
  const admins = await lookups.get(`admins:${r.orgPath}`, () =>
    activeWith(
      db,
      'community_admin',
      sql`${orgUnits.kind} = 'community' and left(${r.orgPath}, length(${orgUnits.path})) = ${orgUnits.path}`,
    ),
  );
  let routed = onDuty;
  let by: Routing['by'] = 'roster';
  if (!routed.length && gridId) {
    routed = await lookups.get(`workers:${gridId}`, () =>
      activeWith(db, 'grid_worker', sql`${orgUnits.id} = ${gridId}`),
    );
    by = 'grid_workers';
  }
  if (!routed.length) {
    routed = admins;
    by = 'community_admins';
  }
  if (!routed.length) by = 'nobody';
  const chain = [...new Set([...routed, ...roster.map((e) => e.grid_duty_roster.userId), ...admins])];
  let property: string[] = [];
  if (isBuildingFault({ ...r })) {
    property = await lookups.get(`property:${r.orgPath}:${r.propertyCompanyId ?? ''}`, async () => {
      const grants = await db
        .selectDistinct({ id: roleAssignments.userId })
        .from(roleAssignments)
        .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
        .innerJoin(users, eq(users.id, roleAssignments.userId))
        .where(
          and(
            eq(roleAssignments.role, 'property_staff'),
            eq(users.status, 'active'),
            sql`left(${r.orgPath}, length(${orgUnits.path})) = ${orgUnits.path}`,
            r.propertyCompanyId ? eq(roleAssignments.propertyCompanyId, r.propertyCompanyId) : sql`true`,
          ),
        );
      return grants.map((g) => g.id);
    });
  }
  return { routed, by, chain, admins, property };
}

/** WeCom user ids of these people (robot mentions). */
export async function wecomIdsOf(db: DbOrTx, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ w: notifyPreferences.wecomUserId })
    .from(notifyPreferences)
    .where(inArray(notifyPreferences.userId, ids));
  return rows.map((r) => r.w).filter((w): w is string => !!w);
}
