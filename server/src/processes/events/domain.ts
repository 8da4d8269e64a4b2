// Community events: where a report belongs (grid from the location), who may see one, who is told, and how
// an event reads in the API.
import { and, desc, eq, inArray, isNotNull, like, sql } from 'drizzle-orm';
import { createChineseCalendar } from '@linli/workflows';
import type { CommunityEvent } from '@linli/contracts';
import type { DbOrTx } from '../../db/client.js';
import { compounds, householdBindings, orgUnits, roleAssignments, rooms } from '../../db/schema.js';
import { wfTasks } from '../../db/workflow-schema.js';
import { notFound } from '../../http/errors.js';
import type { Role } from '../../policy/permissions.js';
import { pathInScope, requirePermission, scopeFor, type AccessScope } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { getCategory, type CategoryRow } from './categories.js';
import { communityEvents } from './schema.js';

export type EventRow = typeof communityEvents.$inferSelect;
export const PROCESS_ID = 'community_event';

// ---------------------------------------------------------------- location → grid

type Ring = number[][];
type Geometry = { type?: unknown; coordinates?: unknown };

/** Ray casting over one ring of [lng, lat] points. */
function inRing(lng: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(lng: number, lat: number, rings: Ring[]): boolean {
  if (!rings.length || !inRing(lng, lat, rings[0]!)) return false;
  return !rings.slice(1).some((hole) => inRing(lng, lat, hole));
}

/** Whether a GeoJSON Polygon or MultiPolygon (or a Feature holding one) contains the point. */
export function containsPoint(boundary: unknown, lat: number, lng: number): boolean {
  let g = boundary as Geometry & { geometry?: Geometry };
  if (g && typeof g === 'object' && g.geometry) g = g.geometry;
  if (!g || !Array.isArray(g.coordinates)) return false;
  if (g.type === 'Polygon') return inPolygon(lng, lat, g.coordinates as Ring[]);
  if (g.type === 'MultiPolygon') return (g.coordinates as Ring[][]).some((p) => inPolygon(lng, lat, p));
  return false;
}

/** The grid whose boundary holds the point, among the grids under `underPath` that have a boundary. */
export async function gridAt(
  db: DbOrTx,
  lat: number,
  lng: number,
  underPath = '/',
): Promise<{ id: string; path: string } | undefined> {
  const grids = await db
    .select({ id: orgUnits.id, path: orgUnits.path, boundary: orgUnits.boundary })
    .from(orgUnits)
    .where(
      and(eq(orgUnits.kind, 'grid'), isNotNull(orgUnits.boundary), like(orgUnits.path, `${underPath}%`)),
    );
  const hit = grids.find((g) => containsPoint(g.boundary, lat, lng));
  return hit ? { id: hit.id, path: hit.path } : undefined;
}

/** The community path of an org path (its first three segments), or undefined above community level. */
export function communityPathOf(orgPath: string): string | undefined {
  const parts = orgPath.split('/').filter(Boolean);
  return parts.length >= 3 ? `/${parts.slice(0, 3).join('/')}/` : undefined;
}

export function gridIdOf(orgPath: string): string | null {
  const parts = orgPath.split('/').filter(Boolean);
  return parts.length >= 4 ? parts[3]! : null;
}

// ---------------------------------------------------------------- reading

export async function getEvent(db: DbOrTx, id: string): Promise<EventRow | undefined> {
  const [row] = await db.select().from(communityEvents).where(eq(communityEvents.id, id));
  return row;
}

export function isOwnEvent(p: Principal, e: EventRow): boolean {
  return e.reporterUserId === p.userId || e.createdBy === p.userId;
}

/**
 * The caller's read scope for an event. Disputes (sensitive) are the community's and the parties' business:
 * the property company's grants do not reach them.
 */
export function readScope(p: Principal, sensitive: boolean): AccessScope {
  const viewer = sensitive ? { ...p, grants: p.grants.filter((g) => g.role !== 'property_staff') } : p;
  return scopeFor(viewer, 'events', 'read');
}

/** 404 unless the caller may read the event: staff in scope, the reporter, or a person it was offered to. */
export async function loadEventFor(s: Services, p: Principal, id: string): Promise<EventRow> {
  requirePermission(p, 'events', 'read');
  const event = await getEvent(s.db, id);
  if (!event) throw notFound('Event', id);
  if (event.handlerUserIds.includes(p.userId) || isOwnEvent(p, event)) return event;
  if (pathInScope(readScope(p, event.sensitive), event.orgPath)) return event;
  throw notFound('Event', id);
}

/** staff who read the event through their scope see callers' details */
export function staffReads(p: Principal, e: EventRow): boolean {
  return pathInScope(readScope(p, e.sensitive), e.orgPath) || e.handlerUserIds.includes(p.userId);
}

export function isOverdue(e: EventRow, now: Date): boolean {
  if (!e.dueAt) return false;
  if (e.handledAt) return e.handledAt > e.dueAt;
  return e.state === 'dispatched' && now > e.dueAt;
}

export async function presentEvent(
  s: Services,
  p: Principal,
  e: EventRow,
  categories?: Map<string, CategoryRow>,
): Promise<CommunityEvent> {
  const category = e.categoryId
    ? (categories?.get(e.categoryId) ?? (await getCategory(s.db, e.categoryId)))
    : undefined;
  const staff = staffReads(p, e);
  return {
    id: e.id,
    instanceId: e.instanceId,
    source: e.source,
    hotlineTicketNo: e.hotlineTicketNo,
    category: category ? { id: category.id, code: category.code, name: category.name } : null,
    title: e.title,
    description: e.description,
    photoFileIds: e.photoFileIds,
    location: e.lat !== null && e.lng !== null ? { lat: e.lat, lng: e.lng } : null,
    address: e.address,
    gridId: e.gridId,
    compoundId: e.compoundId,
    roomId: e.roomId,
    reporterUserId: e.reporterUserId,
    ...(staff && e.source === 'hotline'
      ? { caller: { name: e.callerName, phoneMasked: e.callerPhoneMasked } }
      : {}),
    state: e.state,
    target: e.target,
    dueAt: e.dueAt?.toISOString() ?? null,
    overdue: isOverdue(e, s.now()),
    overdueLevel: e.overdueLevel,
    result: e.result,
    resultPhotoFileIds: e.resultPhotoFileIds,
    rating: e.rating,
    ratingComment: e.ratingComment,
    closeReason: e.closeReason,
    hotlineReply: e.hotlineReply,
    convertedTo: e.convertedTo,
    convertedCaseId: e.convertedCaseId,
    convertedInstanceId: e.convertedInstanceId,
    reportedAt: e.reportedAt.toISOString(),
    classifiedAt: e.classifiedAt?.toISOString() ?? null,
    dispatchedAt: e.dispatchedAt?.toISOString() ?? null,
    handledAt: e.handledAt?.toISOString() ?? null,
    closedAt: e.closedAt?.toISOString() ?? null,
  };
}

/** The latest task of a step of the event's case (open or not), for the routes that work it. */
export async function latestTask(s: Services, instanceId: string | null, activityId: string) {
  if (!instanceId) return undefined;
  const [row] = await s.db
    .select({ id: wfTasks.id, status: wfTasks.status })
    .from(wfTasks)
    .where(and(eq(wfTasks.instanceId, instanceId), eq(wfTasks.activityId, activityId)))
    .orderBy(desc(wfTasks.createdAt))
    .limit(1);
  return row;
}

// ---------------------------------------------------------------- people

/** Users holding one of the roles on an org unit whose subtree holds `orgPath` (the event's admins). */
export async function usersAbove(db: DbOrTx, orgPath: string, roles: Role[]): Promise<string[]> {
  const rows = await db
    .select({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(and(inArray(roleAssignments.role, roles), sql`${orgPath} like ${orgUnits.path} || '%'`));
  return [...new Set(rows.map((r) => r.userId))];
}

/** Property staff of a company (the compound's property company). */
export async function propertyStaffOf(db: DbOrTx, companyId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .where(and(eq(roleAssignments.role, 'property_staff'), eq(roleAssignments.propertyCompanyId, companyId)));
  return [...new Set(rows.map((r) => r.userId))];
}

/** Staff holding any working role exactly on an org unit (a street department). */
export async function staffOn(db: DbOrTx, orgUnitId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .where(
      and(
        eq(roleAssignments.orgUnitId, orgUnitId),
        inArray(roleAssignments.role, ['street_admin', 'community_admin', 'grid_worker', 'district_admin']),
      ),
    );
  return [...new Set(rows.map((r) => r.userId))];
}

export async function compoundOf(db: DbOrTx, compoundId: string) {
  const [row] = await db.select().from(compounds).where(eq(compounds.id, compoundId));
  return row;
}

/** A resident's verified rooms (with compound and grid path). */
export async function verifiedRoomsOf(db: DbOrTx, residentId: string) {
  return db
    .select({ roomId: rooms.id, compoundId: rooms.compoundId, orgPath: rooms.orgPath })
    .from(householdBindings)
    .innerJoin(rooms, eq(rooms.id, householdBindings.roomId))
    .where(and(eq(householdBindings.residentId, residentId), eq(householdBindings.status, 'verified')));
}

// ---------------------------------------------------------------- time limits

export function timeLimit(
  s: Services,
  category: Pick<CategoryRow, 'limitValue' | 'limitUnit'>,
  from: Date,
): { due: Date; escalate: Date } {
  let due: Date;
  if (category.limitUnit === 'hours') due = new Date(from.getTime() + category.limitValue * 3_600_000);
  else due = createChineseCalendar(s.config.calendar).addWorkingDays(from, category.limitValue);
  // the street is told when the event is still open after twice its time limit
  const escalate = new Date(due.getTime() + (due.getTime() - from.getTime()));
  return { due, escalate };
}
