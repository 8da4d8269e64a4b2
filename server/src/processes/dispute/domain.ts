// Dispute mediation (矛盾调解): who may see a case, and the commands behind the routes and the service tasks.
//
// Sensitivity. A dispute is seen only by its parties, its registrant, its mediator, the committee members
// deciding on acceptance and the admins whose area holds it. The workflow instance is therefore started
// WITHOUT an org path: the generic /instances and /tasks routes scope cases by org path, so no grid worker,
// property staff or technician of the area reaches it there; its tasks reach people by name (assignee,
// candidateUsers computed at registration). Its variables hold only ids and decisions, never names, phones
// or notes; its timeline entries say what happened, not what was said. Everything personal lives in the
// dispute tables and is read through /disputes, which decides per caller and audits staff reads.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import type { Actor, TaskRow } from '@linli/workflows';
import type { DbOrTx } from '../../db/client.js';
import { orgUnits, residents, roleAssignments, users } from '../../db/schema.js';
import { fileRows, claimFiles } from '../../files/service.js';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { sealPhone } from '../../domain/pii.js';
import { writeAudit } from '../../domain/audit.js';
import { pathInScope, scopeFor, hasRole } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Role } from '../../policy/permissions.js';
import type { Services } from '../../services.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import { linkOfDispute } from './links.js';
import { disputeCommitteeMembers, disputeParties, disputeSessions, disputes } from './schema.js';

export const PROCESS_ID = 'dispute_mediation';
export type DisputeRow = typeof disputes.$inferSelect;
export type PartyRow = typeof disputeParties.$inferSelect;
export type SessionRow = typeof disputeSessions.$inferSelect;

export const CATEGORY_NAMES: Record<string, string> = {
  neighbour: '邻里纠纷',
  family: '婚姻家庭纠纷',
  property: '物业纠纷',
  labour: '劳动争议',
  land: '土地纠纷',
  debt: '债务纠纷',
  other: '其他纠纷',
};
export const SOURCE_NAMES: Record<string, string> = {
  resident: '居民自行登记',
  grid_worker: '网格员登记',
  hotline: '热线转办',
  event: '社区事件转入',
};

// ---------------------------------------------------------------------------------------------------------
// People around a community

type OrgUnit = typeof orgUnits.$inferSelect;

/** The community an org unit belongs to (the unit itself, or the community above a grid). */
export async function communityOf(db: DbOrTx, orgPath: string): Promise<OrgUnit> {
  const ids = orgPath.split('/').filter(Boolean);
  const rows = ids.length ? await db.select().from(orgUnits).where(inArray(orgUnits.id, ids)) : [];
  const community = rows.find((r) => r.kind === 'community');
  if (!community)
    throw badRequest('Name a community or one of its grids: disputes are mediated by communities');
  return community;
}

/** Active users holding `role` at the community or above it (street admins for a community, …). */
export async function holdersAbove(db: DbOrTx, communityPath: string, role: Role): Promise<string[]> {
  const rows = await db
    .select({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        eq(roleAssignments.role, role),
        eq(users.status, 'active'),
        sql`${communityPath} like ${orgUnits.path} || '%'`,
      ),
    );
  return [...new Set(rows.map((r) => r.userId))].sort();
}

export async function committeeOf(db: DbOrTx, communityId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: disputeCommitteeMembers.userId })
    .from(disputeCommitteeMembers)
    .where(
      and(eq(disputeCommitteeMembers.communityId, communityId), isNull(disputeCommitteeMembers.removedAt)),
    );
  return rows.map((r) => r.userId).sort();
}

/** A mediator: a grid worker of one of the community's grids (or the community), or a committee member. */
export async function isEligibleMediator(db: DbOrTx, userId: string, d: DisputeRow): Promise<boolean> {
  if ((await committeeOf(db, d.communityId)).includes(userId)) return true;
  const rows = await db
    .select({ id: roleAssignments.id })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        eq(roleAssignments.userId, userId),
        eq(roleAssignments.role, 'grid_worker'),
        eq(users.status, 'active'),
        like(orgUnits.path, `${d.orgPath}%`),
      ),
    );
  return rows.length > 0;
}

/** Who may mediate a dispute of this community: its committee members and the grid workers of its grids. */
export async function mediatorChoices(db: DbOrTx, d: DisputeRow) {
  const committee = await db
    .select({
      userId: disputeCommitteeMembers.userId,
      title: disputeCommitteeMembers.title,
      name: users.displayName,
    })
    .from(disputeCommitteeMembers)
    .innerJoin(users, eq(users.id, disputeCommitteeMembers.userId))
    .where(
      and(
        eq(disputeCommitteeMembers.communityId, d.communityId),
        isNull(disputeCommitteeMembers.removedAt),
        eq(users.status, 'active'),
      ),
    );
  const grid = await db
    .select({ userId: roleAssignments.userId, name: users.displayName, unit: orgUnits.name })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        eq(roleAssignments.role, 'grid_worker'),
        eq(users.status, 'active'),
        like(orgUnits.path, `${d.orgPath}%`),
      ),
    );
  const out = new Map<
    string,
    { userId: string; name: string; kind: 'committee' | 'grid_worker'; title: string }
  >();
  for (const c of committee)
    out.set(c.userId, { userId: c.userId, name: c.name, kind: 'committee', title: c.title });
  for (const g of grid)
    if (!out.has(g.userId))
      out.set(g.userId, {
        userId: g.userId,
        name: g.name,
        kind: 'grid_worker',
        title: `网格员（${g.unit}）`,
      });
  return [...out.values()];
}

async function displayNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ---------------------------------------------------------------------------------------------------------
// Who sees what

export type ViewAs = 'admin' | 'mediator' | 'committee' | 'party' | 'registrant';

export interface Entitlement {
  as: ViewAs;
  /** a staff read: written to the audit log */
  staff: boolean;
  /** sees contacts (masked), session notes and every file */
  full: boolean;
  /** the party rows that are the caller */
  ownPartyIds: string[];
}

const STAFF_ROLES: Role[] = [
  'grid_worker',
  'property_staff',
  'technician',
  'community_admin',
  'street_admin',
  'district_admin',
];

/** admins (community, street, district) whose area holds the dispute */
export function supervises(p: Principal, d: Pick<DisputeRow, 'orgPath'>): boolean {
  return pathInScope(scopeFor(p, 'disputes', 'supervise'), d.orgPath);
}

export async function entitlementOf(
  db: DbOrTx,
  p: Principal,
  d: DisputeRow,
  parties: PartyRow[],
): Promise<Entitlement | null> {
  const ownPartyIds = parties.filter((x) => x.userId === p.userId).map((x) => x.id);
  if (supervises(p, d)) return { as: 'admin', staff: true, full: true, ownPartyIds };
  if (d.mediatorId === p.userId) return { as: 'mediator', staff: true, full: true, ownPartyIds };
  // the committee while it decides on acceptance, and the member who accepted it afterwards
  if (
    d.acceptedBy === p.userId ||
    (d.status === 'registered' && (await committeeOf(db, d.communityId)).includes(p.userId))
  )
    return { as: 'committee', staff: true, full: true, ownPartyIds };
  if (ownPartyIds.length) return { as: 'party', staff: false, full: false, ownPartyIds };
  if (d.registeredBy === p.userId)
    return { as: 'registrant', staff: hasRole(p, ...STAFF_ROLES), full: false, ownPartyIds };
  return null;
}

export interface LoadedDispute {
  d: DisputeRow;
  parties: PartyRow[];
  ent: Entitlement;
}

/** One dispute as the caller may see it; 404 for everyone without a part in it. Staff reads are audited. */
export async function loadDispute(
  s: Services,
  p: Principal,
  id: string,
  opts: { audit?: { action: string; requestId: string } } = {},
): Promise<LoadedDispute> {
  const [d] = await s.db.select().from(disputes).where(eq(disputes.id, id));
  if (!d) throw notFound('Dispute', id);
  const parties = await partiesOf(s.db, d.id);
  const ent = await entitlementOf(s.db, p, d, parties);
  if (!ent) throw notFound('Dispute', id);
  if (opts.audit && ent.staff) {
    await writeAudit(s.db, {
      actorUserId: p.userId,
      action: opts.audit.action,
      targetType: 'dispute',
      targetId: d.id,
      fields: [`as:${ent.as}`],
      requestId: opts.audit.requestId,
      orgPath: d.orgPath,
    });
  }
  return { d, parties, ent };
}

const ROLE_ORDER = ['applicant', 'respondent', 'third_party'];

/** applicants first, then respondents, then third parties, each in the order they were named */
export async function partiesOf(db: DbOrTx, disputeId: string): Promise<PartyRow[]> {
  const rows = await db
    .select()
    .from(disputeParties)
    .where(eq(disputeParties.disputeId, disputeId))
    .orderBy(disputeParties.createdAt, disputeParties.id);
  return rows.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

export async function sessionsOf(db: DbOrTx, disputeId: string): Promise<SessionRow[]> {
  return db
    .select()
    .from(disputeSessions)
    .where(eq(disputeSessions.disputeId, disputeId))
    .orderBy(disputeSessions.seq);
}

// ---------------------------------------------------------------------------------------------------------
// Presenting

export async function present(s: Services, loaded: LoadedDispute, p: Principal) {
  const { d, parties, ent } = loaded;
  const names = await displayNames(s.db, [d.mediatorId ?? '']);
  const sessions = await sessionsOf(s.db, d.id);
  return {
    ...summary(d, ent.as, names),
    description: d.description,
    parties: parties.map((x) => {
      const mine = ent.ownPartyIds.includes(x.id);
      const contacts = ent.full || mine;
      return {
        id: x.id,
        role: x.role,
        name: x.name,
        ...(contacts ? { phoneMasked: x.phoneMasked, address: x.address } : {}),
        isUser: x.userId !== null,
        signed: x.signedAt !== null,
      };
    }),
    sessions: sessions.map((x) => {
      const open = ent.full || x.shared;
      return {
        id: x.id,
        seq: x.seq,
        heldAt: x.heldAt.toISOString(),
        place: x.place,
        ...(open ? { attendees: x.attendees } : {}),
        notes: open ? x.notes : null,
        fileIds: open ? x.fileIds : [],
        shared: x.shared,
      };
    }),
    rejectReason: d.rejectReason,
    referredTo: d.referredTo,
    outcome: d.outcome,
    terms: d.terms ?? null,
    referral: d.referral,
    agreementFileId: d.agreementFileId,
    recordFileId: ent.full ? d.recordFileId : null,
    followUp:
      d.followUpAt && d.followUpFulfilled !== null
        ? {
            visitedAt: d.followUpAt.toISOString(),
            fulfilled: d.followUpFulfilled,
            note: ent.full ? d.followUpNote : null,
          }
        : null,
    overdue: d.overdueCount,
    fileIds: ent.full || d.registeredBy === p.userId ? d.fileIds : [],
  };
}

export function summary(d: DisputeRow, viewAs: ViewAs, names: Map<string, string>) {
  return {
    id: d.id,
    instanceId: d.instanceId,
    caseNo: d.caseNo,
    status: d.status as never,
    source: d.source,
    hotlineTicket: d.hotlineTicket,
    eventId: d.eventId,
    title: d.title,
    category: (d.category ?? null) as never,
    communityId: d.communityId,
    viewAs,
    mediator: d.mediatorId ? { id: d.mediatorId, name: names.get(d.mediatorId) ?? '调解员' } : null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/** Disputes the caller has a part in (or oversees), newest first. */
export async function listDisputes(
  s: Services,
  p: Principal,
  q: { status?: string | undefined; instanceId?: string | undefined; page: number; pageSize: number },
  requestId: string,
) {
  const sup = scopeFor(p, 'disputes', 'supervise');
  const committees = await s.db
    .select({ communityId: disputeCommitteeMembers.communityId })
    .from(disputeCommitteeMembers)
    .where(and(eq(disputeCommitteeMembers.userId, p.userId), isNull(disputeCommitteeMembers.removedAt)));
  const mine = sql`(
    ${disputes.mediatorId} = ${p.userId}
    or ${disputes.registeredBy} = ${p.userId}
    or exists (select 1 from ${disputeParties} where ${disputeParties.disputeId} = ${disputes.id}
               and ${disputeParties.userId} = ${p.userId})
    ${
      committees.length
        ? sql`or (${disputes.status} = 'registered' and ${inArray(
            disputes.communityId,
            committees.map((c) => c.communityId),
          )})`
        : sql``
    }
    ${
      sup.prefixes.length
        ? sql`or ${sql.join(
            sup.prefixes.map((pr) => sql`${disputes.orgPath} like ${`${pr}%`}`),
            sql` or `,
          )}`
        : sql``
    }
  )`;
  const where = and(
    mine,
    q.status ? eq(disputes.status, q.status) : undefined,
    q.instanceId ? eq(disputes.instanceId, q.instanceId) : undefined,
  )!;
  const [rows, [count]] = await Promise.all([
    s.db
      .select()
      .from(disputes)
      .where(where)
      .orderBy(sql`${disputes.createdAt} desc`, disputes.id)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    s.db
      .select({ n: sql<number>`count(*)::int` })
      .from(disputes)
      .where(where),
  ]);
  const names = await displayNames(
    s.db,
    rows.map((r) => r.mediatorId ?? ''),
  );
  const items = [];
  const audited: string[] = [];
  for (const d of rows) {
    const ent = await entitlementOf(s.db, p, d, await partiesOf(s.db, d.id));
    if (!ent) continue;
    if (ent.staff) audited.push(d.id);
    items.push(summary(d, ent.as, names));
  }
  if (audited.length) {
    await writeAudit(s.db, {
      actorUserId: p.userId,
      action: 'dispute_list',
      targetType: 'dispute',
      fields: audited,
      requestId,
      orgPath: sup.prefixes[0] ?? null,
    });
  }
  return { items, total: count?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

// ---------------------------------------------------------------------------------------------------------
// Registration

export interface PartyInput {
  name: string;
  role: 'applicant' | 'respondent' | 'third_party';
  phone?: string | undefined;
  address?: string | undefined;
}

export interface RegisterInput {
  source?: 'resident' | 'grid_worker' | 'hotline' | undefined;
  hotlineTicket?: string | undefined;
  orgUnitId?: string | undefined;
  title: string;
  description: string;
  category?: string | undefined;
  parties: PartyInput[];
  fileIds: string[];
}

interface RegisterContext {
  source: 'resident' | 'grid_worker' | 'hotline' | 'event';
  community: OrgUnit;
  /** the applicant when the registrant is a resident filing for themself */
  self: Omit<typeof disputeParties.$inferInsert, 'disputeId'> | null;
  eventId?: string;
  eventInstanceId?: string;
}

async function caseNoFor(db: DbOrTx, community: OrgUnit, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(disputes)
    .where(
      and(eq(disputes.communityId, community.id), sql`extract(year from ${disputes.createdAt}) = ${year}`),
    );
  const short = community.name.replace(/社区$/, '');
  return `${short}调〔${year}〕${String((row?.n ?? 0) + 1).padStart(4, '0')}号`;
}

/** a party as stored: the phone sealed like residents' phones, linked to a resident of the community by it */
async function sealParty(s: Services, communityId: string, x: PartyInput) {
  const sealed = x.phone ? sealPhone(s.vault, x.phone) : {};
  let residentId: string | null = null;
  let userId: string | null = null;
  if (x.phone) {
    const hash = s.vault.blindIndex(x.phone);
    const [resident] = await s.db
      .select({ id: residents.id })
      .from(residents)
      .where(and(eq(residents.phoneHash, hash), eq(residents.communityId, communityId)));
    if (resident) {
      residentId = resident.id;
      const [user] = await s.db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.residentId, resident.id), eq(users.status, 'active')));
      userId = user?.id ?? null;
    }
  }
  return {
    role: x.role,
    name: x.name,
    ...sealed,
    address: x.address ?? null,
    residentId,
    userId,
  };
}

async function residentContext(s: Services, p: Principal, input: RegisterInput): Promise<RegisterContext> {
  if (!p.residentId) throw forbidden('Only a resident registers a dispute for themself');
  const [me] = await s.db.select().from(residents).where(eq(residents.id, p.residentId));
  if (!me) throw forbidden('Only a resident registers a dispute for themself');
  const community = await communityOf(s.db, me.orgPath);
  if (input.orgUnitId) {
    const [unit] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, input.orgUnitId));
    if (!unit || !(me.orgPath.startsWith(unit.path) || unit.path.startsWith(community.path)))
      throw badRequest('A resident registers disputes in their own community');
  }
  return {
    source: 'resident',
    community,
    self: {
      role: 'applicant',
      name: me.name,
      phoneEnc: me.phoneEnc,
      phoneHash: me.phoneHash,
      phoneMasked: me.phoneMasked,
      residentId: me.id,
      userId: p.userId,
    },
  };
}

async function staffContext(s: Services, p: Principal, input: RegisterInput): Promise<RegisterContext> {
  const scope = scopeFor(p, 'disputes', 'create');
  let path: string | undefined;
  if (input.orgUnitId) {
    const [unit] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, input.orgUnitId));
    if (!unit) throw notFound('Org unit', input.orgUnitId);
    path = unit.path;
  } else if (new Set(scope.prefixes).size === 1) path = scope.prefixes[0];
  if (!path) throw badRequest('Name the community or grid the dispute belongs to (orgUnitId)');
  if (!pathInScope(scope, path)) throw notFound('Org unit', input.orgUnitId ?? path);
  const community = await communityOf(s.db, path);
  if (input.source === 'hotline' && !input.hotlineTicket)
    throw badRequest('A hotline registration needs the hotline ticket number (hotlineTicket)');
  return { source: input.source === 'hotline' ? 'hotline' : 'grid_worker', community, self: null };
}

export async function registerDispute(
  s: Services,
  p: Principal,
  input: RegisterInput,
  ctx?: RegisterContext,
): Promise<{ dispute: DisputeRow; instanceId: string }> {
  const staffScope = scopeFor(p, 'disputes', 'create');
  const asResident = input.source === 'resident' || (!staffScope.prefixes.length && !staffScope.any);
  if (!ctx) ctx = asResident ? await residentContext(s, p, input) : await staffContext(s, p, input);
  if (input.hotlineTicket && ctx.source !== 'hotline')
    throw badRequest('Only a hotline registration carries a hotline ticket number');

  // the files must be the registrant's own uploads, not filed elsewhere (checked before anything starts)
  const uploads = await fileRows(s.db, input.fileIds);
  const badFiles = input.fileIds.filter((id) => {
    const f = uploads.find((r) => r.id === id);
    return !f || f.uploadedBy !== p.userId || f.instanceId !== null;
  });
  if (badFiles.length)
    throw badRequest(`fileIds: ${badFiles.join(', ')} are not files you uploaded (or already filed)`, {
      fileIds: badFiles,
    });

  const { community } = ctx;
  const [admins, streetAdmins, committee] = await Promise.all([
    holdersAbove(s.db, community.path, 'community_admin'),
    holdersAbove(s.db, community.path, 'street_admin'),
    committeeOf(s.db, community.id),
  ]);
  const acceptors = committee.length ? committee : admins;
  if (!acceptors.length)
    throw new ApiError(
      422,
      'invalid_operation',
      `${community.name} has neither a mediation committee nor a community admin to accept disputes`,
    );

  const parties = await Promise.all(input.parties.map((x) => sealParty(s, community.id, x)));
  const id = randomUUID();
  const now = s.now();
  const caseNo = await caseNoFor(s.db, community, now);
  const instance = await s.workflow.runtime.start({
    processId: PROCESS_ID,
    businessKey: id,
    // ids and decisions only: no names, phones or notes in the case's variables
    variables: {
      disputeId: id,
      acceptors,
      communityAdmins: admins.length ? admins : acceptors,
      streetAdmins: streetAdmins.length ? streetAdmins : admins,
      source: ctx.source,
    },
    initiator: ctx.source === 'resident' ? p.userId : null,
    orgPath: null,
  });
  try {
    const dispute = await s.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(disputes)
        .values({
          id,
          caseNo,
          communityId: community.id,
          orgPath: community.path,
          instanceId: instance.id,
          source: ctx.source,
          hotlineTicket: input.hotlineTicket ?? null,
          eventId: ctx.eventId ?? null,
          eventInstanceId: ctx.eventInstanceId ?? null,
          registeredBy: p.userId,
          title: input.title,
          description: input.description,
          category: input.category ?? null,
          fileIds: input.fileIds,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const all = [...(ctx.self ? [ctx.self] : []), ...parties];
      if (all.length)
        await tx
          .insert(disputeParties)
          .values(all.map((x, i) => ({ ...x, disputeId: id, createdAt: new Date(now.getTime() + i) })));
      // dispute files carry no org path: area-wide file grants must not reach them (GET /disputes/:id/file)
      await claimFiles(tx, input.fileIds, {
        uploaderId: p.userId,
        instanceId: instance.id,
        orgPath: '',
        label: 'fileIds',
      });
      return row!;
    });
    await recordCaseEvent(s.db, {
      // the moment the case began, not the (later) moment this row is written
      at: instance.startedAt,
      instanceId: instance.id,
      kind: 'dispute.registered',
      actor: p.userId,
      opensCase: true,
      body: {
        caseNo,
        source: ctx.source,
        comment: `纠纷已登记（${SOURCE_NAMES[ctx.source]}），案号${caseNo}`,
      },
    });
    return { dispute, instanceId: instance.id };
  } catch (err) {
    await s.workflow.runtime.cancel(instance.id, 'registration failed', null).catch(() => undefined);
    throw err;
  }
}

export { residentContext, staffContext };
export type { RegisterContext };

// ---------------------------------------------------------------------------------------------------------
// Steps

/** The open task of the dispute's case at one of these steps, or 409 naming what the case waits for. */
export async function openTaskAt(
  s: Services,
  d: DisputeRow,
  activities: string[],
  what: string,
): Promise<TaskRow> {
  if (!d.instanceId) throw conflict('This dispute has no running case');
  const open = await s.workflow.store.queryTasks({
    instanceId: d.instanceId,
    status: 'open',
    limit: 20,
    offset: 0,
  });
  const task = open.items.find((t) => activities.includes(t.activityId));
  if (!task)
    throw conflict(`This dispute is not waiting for ${what} (it is ${d.status})`, {
      status: d.status,
      waitingFor: open.items.map((t) => t.name),
    });
  return task;
}

/** Completes a step as the caller: its holder or candidate, or an admin supervising it. */
export async function completeAs(
  s: Services,
  p: Principal,
  task: TaskRow,
  supervisor: boolean,
  input: { variables?: Record<string, unknown>; outcome?: string; comment?: string | null },
): Promise<void> {
  const actor: Actor = { userId: p.userId, groups: [], supervisor };
  if (task.assignee !== p.userId && !(supervisor && task.assignee)) {
    await s.workflow.tasks.claim(task.id, actor);
  }
  await s.workflow.tasks.complete(task.id, actor, {
    variables: input.variables ?? {},
    outcome: input.outcome ?? null,
    comment: input.comment ?? null,
  });
}

export function isCandidate(p: Principal, task: TaskRow): boolean {
  return task.assignee === p.userId || (task.assignee === null && task.candidateUsers.includes(p.userId));
}

export async function touch(db: DbOrTx, id: string, set: Partial<typeof disputes.$inferInsert>, now: Date) {
  const [row] = await db
    .update(disputes)
    .set({ ...set, updatedAt: now })
    .where(eq(disputes.id, id))
    .returning();
  return row!;
}

/** user ids who follow the case without working it: the registrant and the parties with an account */
export function followers(d: DisputeRow, parties: PartyRow[]): string[] {
  return [...new Set([d.registeredBy, ...parties.map((x) => x.userId).filter((x): x is string => !!x)])];
}

export async function notifyFollowers(
  s: Services,
  d: DisputeRow,
  parties: PartyRow[],
  what: string,
  title: string,
  body: string,
): Promise<void> {
  await enqueueNotice(s.db, {
    dedupKey: `${d.id}:${what}`,
    recipients: followers(d, parties),
    template: `dispute.${what.split(':')[0]}`,
    title,
    body,
    instanceId: d.instanceId,
    link: linkOfDispute(d.id),
  });
}
