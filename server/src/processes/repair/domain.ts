// The repair process's rules that routes, service-task handlers and the event conversion share: who may see a
// repair, numbering, choosing the technician on duty, checking files, the step a repair waits at, and how a
// repair reads.
import { and, asc, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { Actor, TaskRow } from '@linli/workflows';
import { REPAIR_CATEGORY_NAMES, type FileKind, type Repair } from '@linli/contracts';
import type { DbOrTx } from '../../db/client.js';
import { files, users } from '../../db/schema.js';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { PERMISSIONS } from '../../policy/permissions.js';
import { escapeLike, requirePermission } from '../../policy/policy.js';
import { loadPrincipal, type Principal } from '../../policy/principal.js';
import { taskAccess } from '../../policy/workflow.js';
import type { Services } from '../../services.js';
import { openTasksOf } from '../../workflow/queries.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import {
  REPAIR_CATEGORIES,
  repairDispatches,
  repairDutyRoster,
  repairNumberCounters,
  repairOrders,
} from './schema.js';

export type RepairRow = typeof repairOrders.$inferSelect;
export type RepairCategory = (typeof REPAIR_CATEGORIES)[number];

export const PROCESS_ID = 'repair';
/** statuses in which a repair counts as an open job of its technician */
export const OPEN_JOB_STATUSES = ['dispatched', 'accepted', 'waiting_parts'] as const;

/** The diagram's steps the repair routes work on (their ids stay the same across versions). */
export const STEP = {
  dispatch: 'Task_Dispatch',
  accept: 'Task_Accept',
  handle: 'Task_Handle',
  waitParts: 'Task_WaitParts',
  community: 'Task_Community',
  confirm: 'Task_Confirm',
  review: 'Task_Review',
} as const;

/** The status a repair has while its case waits at a step. */
const STATUS_AT: Record<string, RepairRow['status']> = {
  [STEP.dispatch]: 'dispatching',
  [STEP.accept]: 'dispatched',
  [STEP.handle]: 'accepted',
  [STEP.waitParts]: 'waiting_parts',
  [STEP.community]: 'referred',
  [STEP.confirm]: 'fixed',
  [STEP.review]: 'reviewing',
};

export const categoryName = (c: string) =>
  REPAIR_CATEGORY_NAMES[c as keyof typeof REPAIR_CATEGORY_NAMES] ?? REPAIR_CATEGORY_NAMES.other;

export function toCategory(value: string): RepairCategory {
  return (REPAIR_CATEGORIES as readonly string[]).includes(value) ? (value as RepairCategory) : 'other';
}

// ------------------------------------------------------------------------------------------------ access

function grantsWith(p: Principal, action: 'read' | 'create' | 'manage' | 'review' | 'supervise' | 'update') {
  return p.grants.filter((g) => PERMISSIONS[g.role].repairs?.[action] === 'subtree');
}

/**
 * Who sees a repair: the person who reported it; a technician the jobs dispatched to them; other staff those
 * of their area. Technicians see only their own jobs, not every repair of the compound.
 */
export function mayRead(
  p: Principal,
  r: Pick<RepairRow, 'orgPath' | 'reporterUserId' | 'technicianId'>,
  dispatchedTo = false,
): boolean {
  if (r.reporterUserId === p.userId) return true;
  if (r.technicianId === p.userId || dispatchedTo) {
    if (grantsWith(p, 'read').some((g) => g.role === 'technician' && r.orgPath.startsWith(g.orgPath)))
      return true;
  }
  return grantsWith(p, 'read').some((g) => g.role !== 'technician' && r.orgPath.startsWith(g.orgPath));
}

/** SQL: the repairs the caller may see (see mayRead). */
export function readableCondition(p: Principal): SQL {
  const parts: SQL[] = [eq(repairOrders.reporterUserId, p.userId)];
  for (const g of grantsWith(p, 'read')) {
    const inArea = like(repairOrders.orgPath, `${escapeLike(g.orgPath)}%`);
    parts.push(g.role === 'technician' ? and(inArea, mine(p.userId))! : inArea);
  }
  return or(...parts)!;
}

/** a technician's jobs: dispatched to them now, or at some time */
function mine(userId: string): SQL {
  return or(
    eq(repairOrders.technicianId, userId),
    sql`exists (select 1 from ${repairDispatches} where ${repairDispatches.repairId} = ${repairOrders.id} and ${repairDispatches.technicianId} = ${userId})`,
  )!;
}

/** Loads a repair the caller may see; 404 otherwise (as if it did not exist). */
export async function loadRepair(s: Services, p: Principal, id: string): Promise<RepairRow> {
  requirePermission(p, 'repairs', 'read');
  const [row] = await s.db.select().from(repairOrders).where(eq(repairOrders.id, id));
  if (!row) throw notFound('Repair', id);
  if (mayRead(p, row)) return row;
  const [dispatched] = await s.db
    .select({ id: repairDispatches.id })
    .from(repairDispatches)
    .where(and(eq(repairDispatches.repairId, id), eq(repairDispatches.technicianId, p.userId)))
    .limit(1);
  if (!dispatched || !mayRead(p, row, true)) throw notFound('Repair', id);
  return row;
}

/** The property staff grant (dispatcher, manager) that covers this repair, or 403. */
export function requirePropertyStaff(
  p: Principal,
  r: Pick<RepairRow, 'orgPath' | 'propertyCompanyId'>,
  action: 'manage' | 'review',
) {
  requirePermission(p, 'repairs', action);
  const grant = grantsWith(p, action).find(
    (g) =>
      r.orgPath.startsWith(g.orgPath) &&
      (!r.propertyCompanyId || !g.propertyCompanyId || g.propertyCompanyId === r.propertyCompanyId),
  );
  if (!grant)
    throw forbidden(
      `You do not ${action === 'manage' ? 'dispatch' : 'review'} repairs of this compound's property company`,
    );
  return grant;
}

/**
 * The open task of a repair at one of these steps, and the caller as its worker: the person it is assigned to,
 * or one of its candidate groups in this area. Supervisors use the generic task API, not these routes.
 * 409 when the repair is not at that step now, 403 when the step is someone else's.
 */
export async function taskToWork(
  s: Services,
  p: Principal,
  r: RepairRow,
  steps: string[],
  what: string,
): Promise<{ task: TaskRow; actor: Actor }> {
  const task = r.instanceId
    ? (await openTasksOf(s.db, [r.instanceId])).find((t) => steps.includes(t.activityId))
    : undefined;
  if (!task) throw conflict(`Repair ${r.number} is not waiting for ${what} (it is ${r.status})`);
  const access = taskAccess(p, task, { initiator: null, copied: false });
  const personal = task.assignee === p.userId || task.candidateUsers.includes(p.userId);
  const candidate = !task.assignee && task.candidateGroups.some((g) => access.groups.includes(g));
  if (!personal && !candidate)
    throw forbidden(
      task.assignee
        ? `This step of repair ${r.number} is assigned to someone else`
        : `You may not do ${what} for this repair`,
    );
  return { task, actor: { userId: p.userId, groups: access.groups } };
}

/** The status of a repair whose case waits at these open tasks. */
export function statusOf(r: RepairRow, open: TaskRow[]): RepairRow['status'] {
  return open.map((t) => STATUS_AT[t.activityId]).find(Boolean) ?? r.status;
}

/** After a step: the repair's status is the step its case waits at now (a closed case was set by its handler). */
export async function syncStatus(s: Services, r: RepairRow, extra: Partial<RepairRow> = {}): Promise<void> {
  const open = r.instanceId ? await openTasksOf(s.db, [r.instanceId]) : [];
  // no open step: the case ended and its closing service task already set the status
  const status = open.map((t) => STATUS_AT[t.activityId]).find(Boolean);
  await s.db
    .update(repairOrders)
    .set({ ...extra, ...(status ? { status } : {}), updatedAt: s.now() })
    .where(eq(repairOrders.id, r.id));
}

// ------------------------------------------------------------------------------------------------ numbers

/** BX + the day in China time + a serial of that day: BX20261123-0001. */
export async function nextNumber(tx: DbOrTx, now: Date): Promise<string> {
  const day = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
  const [row] = await tx
    .insert(repairNumberCounters)
    .values({ day, last: 1 })
    .onConflictDoUpdate({
      target: repairNumberCounters.day,
      set: { last: sql`${repairNumberCounters.last} + 1` },
    })
    .returning();
  return `BX${day}-${String(row!.last).padStart(4, '0')}`;
}

// ------------------------------------------------------------------------------------------------ files

/**
 * Checks, before anything is written, that files named in a request were uploaded by this person, are of the
 * expected kind and not filed with another case (claimFiles files them afterwards). 400 naming the bad ids.
 */
export async function checkOwnFiles(
  db: DbOrTx,
  ids: readonly string[],
  opts: { uploaderId: string; kinds: readonly FileKind[]; label: string; instanceId?: string | null },
): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const rows = await db.select().from(files).where(inArray(files.id, unique));
  const bad = unique.filter((id) => {
    const row = rows.find((r) => r.id === id);
    return (
      !row ||
      row.uploadedBy !== opts.uploaderId ||
      !opts.kinds.includes(row.kind) ||
      (row.instanceId !== null && row.instanceId !== (opts.instanceId ?? null))
    );
  });
  if (bad.length)
    throw badRequest(
      `${opts.label}: ${bad.join(', ')} ${bad.length === 1 ? 'is not a file' : 'are not files'} you uploaded of kind ${opts.kinds.join('/')} (or already filed with another case)`,
      { fileIds: bad },
    );
}

// ------------------------------------------------------------------------------------------------ dispatch

export interface DutyCandidate {
  technicianId: string;
  openJobs: number;
}

/** Technicians on duty for this repair's community, compound and category, fewest open jobs first. */
export async function onDutyFor(db: DbOrTx, r: RepairRow): Promise<DutyCandidate[]> {
  if (!r.propertyCompanyId) return [];
  const openJobs = sql<number>`(select count(*)::int from ${repairOrders} o where o.technician_id = ${repairDutyRoster.technicianId} and o.status in ('dispatched', 'accepted', 'waiting_parts'))`;
  const rows = await db
    .select({ technicianId: repairDutyRoster.technicianId, openJobs })
    .from(repairDutyRoster)
    .innerJoin(users, eq(users.id, repairDutyRoster.technicianId))
    .where(
      and(
        eq(repairDutyRoster.onDuty, true),
        eq(users.status, 'active'),
        eq(repairDutyRoster.communityId, r.communityId),
        eq(repairDutyRoster.propertyCompanyId, r.propertyCompanyId),
        r.compoundId
          ? sql`(cardinality(${repairDutyRoster.compoundIds}) = 0 or ${r.compoundId}::uuid = any(${repairDutyRoster.compoundIds}))`
          : sql`true`,
        sql`(cardinality(${repairDutyRoster.categories}) = 0 or ${r.category} = any(${repairDutyRoster.categories}))`,
      ),
    )
    .orderBy(asc(openJobs), asc(repairDutyRoster.createdAt));
  return rows.map((x) => ({ technicianId: x.technicianId, openJobs: Number(x.openJobs) }));
}

/** A technician may be dispatched a repair when they work for its property company where it is. */
export async function requireTechnicianFor(
  s: Services,
  r: RepairRow,
  technicianId: string,
): Promise<Principal> {
  const tech = await loadPrincipal(s.db, technicianId);
  const ok = tech?.grants.some(
    (g) =>
      g.role === 'technician' &&
      r.orgPath.startsWith(g.orgPath) &&
      (!r.propertyCompanyId || !g.propertyCompanyId || g.propertyCompanyId === r.propertyCompanyId),
  );
  if (!tech || !ok)
    throw new ApiError(
      422,
      'invalid_operation',
      `${tech?.displayName ?? technicianId} is not a technician of this compound's property company`,
    );
  return tech;
}

export async function nameOf(db: DbOrTx, userId: string | null): Promise<string> {
  if (!userId) return '';
  const [u] = await db.select({ name: users.displayName }).from(users).where(eq(users.id, userId));
  return u?.name ?? '';
}

/** Records a dispatch: the row, the repair's technician, the timeline entry and the reporter's notice. */
export async function recordDispatch(
  s: Services,
  r: RepairRow,
  d: {
    key: string;
    technicianId: string;
    mode: 'auto' | 'manual' | 'takeover';
    by: string | null;
    comment?: string | null;
  },
): Promise<void> {
  const now = s.now();
  const techName = await nameOf(s.db, d.technicianId);
  await s.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(repairDispatches)
      .values({
        repairId: r.id,
        key: d.key,
        technicianId: d.technicianId,
        mode: d.mode,
        dispatchedBy: d.by,
        comment: d.comment ?? null,
        at: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted.length) return;
    await tx
      .update(repairOrders)
      .set({
        technicianId: d.technicianId,
        dispatchMode: d.mode === 'auto' ? 'auto' : 'manual',
        dispatchedAt: now,
        status: 'dispatched',
        updatedAt: now,
      })
      .where(eq(repairOrders.id, r.id));
    const how = { auto: '系统按值班表自动派单', manual: '物业调度派单', takeover: '物业调度改派' }[d.mode];
    await recordCaseEvent(tx, {
      instanceId: r.instanceId!,
      kind: 'repair.dispatched',
      actor: d.by ?? 'system',
      at: now,
      body: {
        activityId: { auto: 'Task_AutoDispatch', manual: STEP.dispatch, takeover: STEP.accept }[d.mode],
        comment: d.comment || `${how}：维修工${techName}`,
        mode: d.mode,
        targetUser: d.technicianId,
      },
    });
    await enqueueNotice(tx, {
      dedupKey: `repair.dispatched:${d.key}`,
      recipients: [r.reporterUserId],
      template: 'repair.dispatched',
      title: '报修已派单',
      body: `您的报修（${r.number}，${categoryName(r.category)}）已派给维修工${techName}，师傅接单后会与您联系上门时间。`,
      instanceId: r.instanceId,
      link: `/pages/repair/detail?id=${r.id}`,
      data: { repairId: r.id, number: r.number },
    });
  });
}

// ------------------------------------------------------------------------------------------------ reading

export async function presentRepairs(s: Services, rows: RepairRow[]): Promise<Repair[]> {
  const people = [
    ...new Set(rows.flatMap((r) => [r.reporterUserId, r.technicianId]).filter((x): x is string => !!x)),
  ];
  const names = new Map<string, string>();
  if (people.length) {
    for (const u of await s.db
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(inArray(users.id, people)))
      names.set(u.id, u.name);
  }
  const instanceIds = rows.map((r) => r.instanceId).filter((x): x is string => !!x);
  const tasks = instanceIds.length ? await openTasksOf(s.db, instanceIds) : [];
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    instanceId: r.instanceId,
    communityId: r.communityId,
    compoundId: r.compoundId,
    roomId: r.roomId,
    location: r.location,
    category: r.category,
    categoryName: categoryName(r.category),
    description: r.description,
    photoFileIds: r.photoFileIds,
    voiceFileId: r.voiceFileId,
    preferredFrom: iso(r.preferredFrom),
    preferredTo: iso(r.preferredTo),
    source: r.source,
    eventId: r.eventId,
    reporter: { id: r.reporterUserId, name: names.get(r.reporterUserId) ?? '' },
    // the step the case waits at is the truth (a step done through the generic task API moves it too)
    status: statusOf(
      r,
      tasks.filter((t) => t.instanceId === r.instanceId),
    ),
    technician: r.technicianId ? { id: r.technicianId, name: names.get(r.technicianId) ?? '' } : null,
    dispatchMode: r.dispatchMode,
    dispatchedAt: iso(r.dispatchedAt),
    acceptedAt: iso(r.acceptedAt),
    sendBackReason: r.sendBackReason,
    sendBackNote: r.sendBackNote,
    fixNote: r.fixNote,
    afterPhotoFileIds: r.afterPhotoFileIds,
    materials: r.materials,
    materialsCost: Number(r.materialsCost),
    fixedAt: iso(r.fixedAt),
    rating: r.rating,
    ratingComment: r.ratingComment,
    confirmedAt: iso(r.confirmedAt),
    autoConfirmed: r.autoConfirmed,
    reviewNote: r.reviewNote,
    closedAs: r.closedAs,
    closedAt: iso(r.closedAt),
    reopenCount: r.reopenCount,
    openTasks: tasks
      .filter((t) => t.instanceId === r.instanceId)
      .map((t) => ({
        id: t.id,
        activityId: t.activityId,
        name: t.name,
        assignee: t.assignee,
        candidateGroups: t.candidateGroups,
        dueAt: iso(t.dueAt),
      })),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function presentRepair(s: Services, id: string): Promise<Repair> {
  const [row] = await s.db.select().from(repairOrders).where(eq(repairOrders.id, id));
  return (await presentRepairs(s, [row!]))[0]!;
}
