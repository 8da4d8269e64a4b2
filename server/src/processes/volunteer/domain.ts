// Volunteers, micro-wishes and activities: who may see and do what, and how a record reads.
// Residents see the published wishes and activities of their own community, plus what they posted or take part
// in; staff see those of their area. A volunteer is a resident with an approved registration in the community,
// or an account holding the `volunteer` role there.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, like, ne, or, sql, type SQL } from 'drizzle-orm';
import type { VolunteerActivity, VolunteerActivityDetail, VolunteerRegistration } from '@linli/contracts';
import type { DbOrTx } from '../../db/client.js';
import { files, orgUnits, residents, users } from '../../db/schema.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import {
  escapeLike,
  pathInScope,
  requirePermission,
  scopeFor,
  type AccessScope,
} from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { volunteerActivities, volunteerParticipations, volunteerProfiles } from './schema.js';

export type ActivityRow = typeof volunteerActivities.$inferSelect;
export type ParticipationRow = typeof volunteerParticipations.$inferSelect;
export type ProfileRow = typeof volunteerProfiles.$inferSelect;

export const WISH_PROCESS = 'volunteer_wish';
export const ACTIVITY_PROCESS = 'volunteer_activity';
/** points a wish earns when the reviewer names none */
export const DEFAULT_WISH_POINTS = 10;
/** what residents of the community see; the rest only the poster, participants and staff */
export const PUBLISHED = ['open', 'claimed', 'completed'] as const;
export const ACTIVE_PARTICIPATION = ['signed_up', 'confirmed', 'absent'] as const;

/** `/district/street/community/` of any path at or below a community; null above it. */
export function communityPathOf(orgPath: string): string | null {
  const parts = orgPath.split('/').filter(Boolean);
  return parts.length >= 3 ? `/${parts.slice(0, 3).join('/')}/` : null;
}

export function communityIdOf(orgPath: string): string | null {
  return orgPath.split('/').filter(Boolean)[2] ?? null;
}

export interface Home {
  residentId: string;
  communityId: string;
  communityPath: string;
  /** the resident's own org path (their grid) */
  orgPath: string;
}

/** The community a signed-in resident lives in (their resident record), or null for staff-only accounts. */
export async function homeOf(db: DbOrTx, p: Principal): Promise<Home | null> {
  if (!p.residentId) return null;
  const [row] = await db
    .select({ communityId: residents.communityId, orgPath: residents.orgPath })
    .from(residents)
    .where(eq(residents.id, p.residentId));
  if (!row) return null;
  const communityPath = communityPathOf(row.orgPath);
  if (!communityPath) return null;
  return { residentId: p.residentId, communityId: row.communityId, communityPath, orgPath: row.orgPath };
}

/** Communities the caller belongs to as a member (home, or a volunteer grant). */
export async function memberCommunities(db: DbOrTx, p: Principal): Promise<string[]> {
  const home = await homeOf(db, p);
  const ids = new Set<string>();
  if (home) ids.add(home.communityId);
  for (const g of p.grants) {
    if (g.role !== 'volunteer') continue;
    const id = communityIdOf(g.orgPath);
    if (id) ids.add(id);
  }
  return [...ids];
}

export async function profileOf(db: DbOrTx, userId: string, communityId: string) {
  const [row] = await db
    .select()
    .from(volunteerProfiles)
    .where(and(eq(volunteerProfiles.userId, userId), eq(volunteerProfiles.communityId, communityId)));
  return row;
}

/** Whether the caller serves as a volunteer in this community: an approved registration or a volunteer grant. */
export async function isVolunteerIn(db: DbOrTx, p: Principal, community: { id: string; path: string }) {
  if (p.grants.some((g) => g.role === 'volunteer' && community.path.startsWith(g.orgPath))) return true;
  const profile = await profileOf(db, p.userId, community.id);
  return profile?.status === 'approved';
}

export async function namesOf(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function partyMembers(db: DbOrTx, userIds: string[], communityId: string): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await db
    .select({ userId: volunteerProfiles.userId })
    .from(volunteerProfiles)
    .where(
      and(
        inArray(volunteerProfiles.userId, [...new Set(userIds)]),
        eq(volunteerProfiles.communityId, communityId),
        eq(volunteerProfiles.isPartyMember, true),
        eq(volunteerProfiles.status, 'approved'),
      ),
    );
  return new Set(rows.map((r) => r.userId));
}

// ---- files ---------------------------------------------------------------------------------------------------

/**
 * Checks uploads before a case starts (claimFiles files them afterwards, in the record's transaction): each
 * must be an image the caller uploaded and not filed with another case. 400 naming the bad ids.
 */
export async function checkPhotos(db: DbOrTx, ids: readonly string[], uploaderId: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const rows = await db.select().from(files).where(inArray(files.id, unique));
  const bad = unique.filter((id) => {
    const row = rows.find((r) => r.id === id);
    return !row || row.uploadedBy !== uploaderId || row.instanceId !== null || row.kind !== 'image';
  });
  if (bad.length)
    throw badRequest(
      `photoIds: ${bad.join(', ')} ${bad.length === 1 ? 'is not a photo' : 'are not photos'} you uploaded (or already filed with another case)`,
      { fileIds: bad },
    );
}

// ---- activities -----------------------------------------------------------------------------------------------

export interface ActivityAccess {
  read: boolean;
  /** staff whose area holds it */
  staff: boolean;
  /** may review it and confirm on the owner's behalf */
  review: boolean;
  owner: boolean;
  /** takes part now (not released) */
  participant: boolean;
}

export async function activeParticipations(db: DbOrTx, activityId: string): Promise<ParticipationRow[]> {
  return db
    .select()
    .from(volunteerParticipations)
    .where(
      and(eq(volunteerParticipations.activityId, activityId), ne(volunteerParticipations.status, 'released')),
    )
    .orderBy(volunteerParticipations.createdAt);
}

export async function accessTo(s: Services, p: Principal, row: ActivityRow): Promise<ActivityAccess> {
  const staff = pathInScope(scopeFor(p, 'volunteer_activities', 'read'), row.orgPath);
  const review = pathInScope(scopeFor(p, 'volunteer_activities', 'review'), row.orgPath);
  const owner = row.createdBy === p.userId;
  const participant = (await activeParticipations(s.db, row.id)).some((x) => x.userId === p.userId);
  let member = false;
  if (
    scopeFor(p, 'volunteer_activities', 'read').self &&
    (PUBLISHED as readonly string[]).includes(row.status)
  )
    member = (await memberCommunities(s.db, p)).includes(row.communityId);
  return { read: staff || owner || participant || member, staff, review, owner, participant };
}

/** One wish or activity as this caller may see it; 404 when they may not. */
export async function loadActivity(
  s: Services,
  p: Principal,
  id: string,
): Promise<{ row: ActivityRow; access: ActivityAccess }> {
  requirePermission(p, 'volunteer_activities', 'read');
  const [row] = await s.db.select().from(volunteerActivities).where(eq(volunteerActivities.id, id));
  if (!row) throw notFound('Volunteer activity', id);
  const access = await accessTo(s, p, row);
  if (!access.read) throw notFound('Volunteer activity', id);
  return { row, access };
}

/** SQL: the activities this caller may list. */
export async function listCondition(s: Services, p: Principal, scope: AccessScope): Promise<SQL> {
  if (scope.any) return sql`true`;
  const parts: SQL[] = scope.prefixes.map((prefix) =>
    like(volunteerActivities.orgPath, `${escapeLike(prefix)}%`),
  );
  if (scope.self) {
    parts.push(eq(volunteerActivities.createdBy, p.userId));
    parts.push(
      inArray(
        volunteerActivities.id,
        s.db
          .select({ id: volunteerParticipations.activityId })
          .from(volunteerParticipations)
          .where(
            and(eq(volunteerParticipations.userId, p.userId), ne(volunteerParticipations.status, 'released')),
          ),
      ),
    );
    const communities = await memberCommunities(s.db, p);
    if (communities.length)
      parts.push(
        and(
          inArray(volunteerActivities.communityId, communities),
          inArray(volunteerActivities.status, [...PUBLISHED]),
        )!,
      );
  }
  return parts.length ? (or(...parts) as SQL) : sql`false`;
}

export async function presentActivities(db: DbOrTx, rows: ActivityRow[]): Promise<VolunteerActivity[]> {
  if (!rows.length) return [];
  const counts = await db
    .select({ activityId: volunteerParticipations.activityId, n: sql<number>`count(*)::int` })
    .from(volunteerParticipations)
    .where(
      and(
        inArray(
          volunteerParticipations.activityId,
          rows.map((r) => r.id),
        ),
        ne(volunteerParticipations.status, 'released'),
      ),
    )
    .groupBy(volunteerParticipations.activityId);
  const taken = new Map(counts.map((c) => [c.activityId, Number(c.n)]));
  const names = await namesOf(
    db,
    rows.map((r) => r.createdBy),
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    communityId: r.communityId,
    title: r.title,
    description: r.description,
    place: r.place,
    startsAt: r.startsAt?.toISOString() ?? null,
    endsAt: r.endsAt?.toISOString() ?? null,
    slots: r.slots,
    taken: taken.get(r.id) ?? 0,
    points: r.points,
    hours: Number(r.hours),
    photoIds: r.fileIds,
    createdBy: { id: r.createdBy, name: names.get(r.createdBy) ?? '居民' },
    instanceId: r.instanceId,
    status: r.status,
    reviewNote: r.reviewNote,
    createdAt: r.createdAt.toISOString(),
  }));
}

export async function presentDetail(
  s: Services,
  p: Principal,
  row: ActivityRow,
  access: ActivityAccess,
): Promise<VolunteerActivityDetail> {
  const [base] = await presentActivities(s.db, [row]);
  const parts = await activeParticipations(s.db, row.id);
  const names = await namesOf(
    s.db,
    parts.map((x) => x.userId),
  );
  const party = await partyMembers(
    s.db,
    parts.map((x) => x.userId),
    row.communityId,
  );
  const canClaim =
    row.status === 'open' &&
    !access.owner &&
    !access.participant &&
    parts.length < row.slots &&
    (row.kind === 'wish' || !row.startsAt || row.startsAt > s.now()) &&
    (await isVolunteerIn(s.db, p, {
      id: row.communityId,
      path: communityPathOf(row.orgPath) ?? row.orgPath,
    }));
  const awaiting = row.instanceId ? await confirmTaskOf(s, row.instanceId) : undefined;
  return {
    ...base!,
    participants: parts.map((x) => ({
      id: x.id,
      userId: x.userId,
      name: names.get(x.userId) ?? '志愿者',
      isPartyMember: party.has(x.userId),
      status: x.status,
      hours: x.hours === null ? null : Number(x.hours),
      confirmedAt: x.confirmedAt?.toISOString() ?? null,
      createdAt: x.createdAt.toISOString(),
    })),
    canClaim,
    canConfirm: !!awaiting && !access.participant && (access.owner || access.review),
  };
}

/** The open confirmation step of a case (the owner's or organiser's, or the community's after escalation). */
export async function confirmTaskOf(s: Services, instanceId: string) {
  const open = await s.workflow.store.queryTasks({ instanceId, status: 'open', limit: 20, offset: 0 });
  return open.items.find((t) => t.activityId === 'Task_Confirm' || t.activityId === 'Task_Verify');
}

export async function reviewTaskOf(s: Services, instanceId: string) {
  const open = await s.workflow.store.queryTasks({ instanceId, status: 'open', limit: 20, offset: 0 });
  return open.items.find((t) => t.activityId === 'Task_Review');
}

// ---- registrations --------------------------------------------------------------------------------------------

export async function presentRegistrations(db: DbOrTx, rows: ProfileRow[]): Promise<VolunteerRegistration[]> {
  const names = await namesOf(
    db,
    rows.map((r) => r.userId),
  );
  return rows.map((r) => ({
    id: r.id,
    userId: r.userId,
    name: names.get(r.userId) ?? '居民',
    communityId: r.communityId,
    isPartyMember: r.isPartyMember,
    skills: r.skills,
    note: r.note,
    status: r.status,
    reviewNote: r.reviewNote,
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
}

export async function register(
  s: Services,
  p: Principal,
  input: { isPartyMember: boolean; skills: string[]; note?: string | undefined },
): Promise<ProfileRow> {
  requirePermission(p, 'volunteer_activities', 'create');
  const home = await homeOf(s.db, p);
  if (!home) throw forbidden('Only a resident registered in a community can sign up as a volunteer');
  const existing = await profileOf(s.db, p.userId, home.communityId);
  if (existing?.status === 'approved')
    throw conflict('You are already a registered volunteer of this community');
  if (existing?.status === 'pending')
    throw conflict('Your registration is waiting for the community to review it');
  const values = {
    userId: p.userId,
    residentId: home.residentId,
    communityId: home.communityId,
    orgPath: home.orgPath,
    isPartyMember: input.isPartyMember,
    skills: input.skills,
    note: input.note ?? null,
    status: 'pending' as const,
    reviewedBy: null,
    reviewedAt: null,
    reviewNote: null,
    updatedAt: s.now(),
  };
  if (existing) {
    // a rejected registration may be asked again
    const [row] = await s.db
      .update(volunteerProfiles)
      .set(values)
      .where(eq(volunteerProfiles.id, existing.id))
      .returning();
    return row!;
  }
  const [row] = await s.db
    .insert(volunteerProfiles)
    .values({ id: randomUUID(), ...values })
    .returning();
  return row!;
}

export async function communityOfUnit(
  db: DbOrTx,
  orgPath: string,
): Promise<{ id: string; path: string; name: string }> {
  const path = communityPathOf(orgPath);
  const id = communityIdOf(orgPath);
  if (!path || !id) throw badRequest('Name the community (communityId): you work above community level');
  const [unit] = await db.select({ name: orgUnits.name }).from(orgUnits).where(eq(orgUnits.id, id));
  return { id, path, name: unit?.name ?? '' };
}
