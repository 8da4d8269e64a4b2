// The volunteer API: registration, micro-wishes and activities (post, review, claim/sign up, confirm), a
// volunteer's record and the community ranking, and the points mall (items, redeem, fulfil, cancel).
// The diagrams drive the steps; these routes check the domain rules (a registered volunteer, not one's own wish,
// slots left, nobody confirms their own service) before they move a case.
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import {
  AdjustPoints,
  CancelRedemption,
  CancelVolunteerActivity,
  PointsAdjusted,
  WithdrawVolunteer,
  ConfirmVolunteerService,
  CreateMallItem,
  CreateVolunteerActivity,
  CreateVolunteerWish,
  FulfilRedemption,
  IdParams,
  MallItem,
  MallQuery,
  RedeemMallItem,
  Redemption,
  RedemptionQuery,
  RegisterVolunteer,
  ReviewVolunteerActivity,
  ReviewVolunteerRegistration,
  Timeline,
  UpdateMallItem,
  VolunteerActivity,
  VolunteerActivityDetail,
  VolunteerActivityQuery,
  VolunteerRanking,
  VolunteerRankingQuery,
  VolunteerRecord,
  VolunteerRegistration,
  VolunteerRegistrationQuery,
  pageOf as pageSchema,
} from '@linli/contracts';
import type { Actor } from '@linli/workflows';
import { orgUnits, organisations, residents, users } from '../../db/schema.js';
import { claimFiles } from '../../files/service.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { authorize, pathInScope, requirePermission, scopeCondition, scopeFor } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { caseTimeline, recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import {
  ACTIVITY_PROCESS,
  DEFAULT_WISH_POINTS,
  WISH_PROCESS,
  activeParticipations,
  checkPhotos,
  communityIdOf,
  communityOfUnit,
  communityPathOf,
  confirmTaskOf,
  homeOf,
  isVolunteerIn,
  listCondition,
  loadActivity,
  memberCommunities,
  presentActivities,
  presentDetail,
  presentRegistrations,
  profileOf,
  register,
  reviewTaskOf,
  type ActivityRow,
} from './domain.js';
import { linkOfActivity, linkOfPoints, linkOfRegistration } from './links.js';
import {
  balanceOf,
  cancelRedemption,
  insufficientPoints,
  lockAccount,
  fulfilRedemption,
  ledgerOf,
  positionOf,
  presentEntry,
  presentItem,
  presentRedemptions,
  ranking,
  redeem,
  standings,
  yearStart,
  type MallItemRow,
  type RedemptionRow,
} from './points.js';
import {
  mallItems,
  pointsLedger,
  redemptions,
  volunteerActivities,
  volunteerParticipations,
  volunteerProfiles,
} from './schema.js';
import { loadTask } from '../../workflow/task-access.js';

const TAG = 'volunteer';

async function page<Row>(
  query: { page: number; pageSize: number },
  rows: (limit: number, offset: number) => Promise<Row[]>,
  total: () => Promise<number>,
) {
  const items = await rows(query.pageSize, (query.page - 1) * query.pageSize);
  return { items, total: await total(), page: query.page, pageSize: query.pageSize };
}

// ---- registrations -----------------------------------------------------------------------------------------

const registerRoute = defineRoute({
  method: 'post',
  path: '/volunteer/registrations',
  summary: 'Ask to serve as a volunteer in your community (志愿者登记); the community reviews it',
  tag: TAG,
  auth: 'user',
  body: RegisterVolunteer,
  status: 201,
  response: VolunteerRegistration,
  matrix: { body: () => ({ isPartyMember: true, skills: ['助老', '理发'] }) },
  handler: async ({ body, principal, services: s }) => {
    const row = await register(s, principal, body);
    return (await presentRegistrations(s.db, [row]))[0];
  },
});

const listRegistrations = defineRoute({
  method: 'get',
  path: '/volunteer/registrations',
  summary: 'Volunteer registrations: your own, or (staff) those of your area to review',
  tag: TAG,
  auth: 'user',
  query: VolunteerRegistrationQuery,
  response: pageSchema(VolunteerRegistration),
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'volunteer_activities', 'read');
    const where = and(
      scopeCondition(scope, volunteerProfiles.orgPath, eq(volunteerProfiles.userId, principal.userId)),
      query.status ? eq(volunteerProfiles.status, query.status) : undefined,
    );
    return page(
      query,
      async (limit, offset) =>
        presentRegistrations(
          s.db,
          await s.db
            .select()
            .from(volunteerProfiles)
            .where(where)
            .orderBy(desc(volunteerProfiles.createdAt))
            .limit(limit)
            .offset(offset),
        ),
      async () => (await s.db.select({ n: count() }).from(volunteerProfiles).where(where))[0]!.n,
    );
  },
});

const reviewRegistration = defineRoute({
  method: 'post',
  path: '/volunteer/registrations/:id/review',
  summary: 'Approve a volunteer registration, or reject it with the reason',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: ReviewVolunteerRegistration,
  response: VolunteerRegistration,
  matrix: { target: 'volRegistration', body: () => ({ approve: true }) },
  handler: async ({ params, body, principal, services: s }) => {
    const [row] = await s.db.select().from(volunteerProfiles).where(eq(volunteerProfiles.id, params.id));
    if (!row) throw notFound('Volunteer registration', params.id);
    authorize(
      principal,
      'volunteer_activities',
      'review',
      { orgPath: row.orgPath },
      'Volunteer registration',
      row.id,
    );
    if (row.status !== 'pending') throw conflict(`This registration is already ${row.status}`);
    const [updated] = await s.db
      .update(volunteerProfiles)
      .set({
        status: body.approve ? 'approved' : 'rejected',
        reviewedBy: principal.userId,
        reviewedAt: s.now(),
        reviewNote: body.reason ?? null,
        updatedAt: s.now(),
      })
      .where(and(eq(volunteerProfiles.id, row.id), eq(volunteerProfiles.status, 'pending')))
      .returning();
    if (!updated) throw conflict('This registration was reviewed at the same time');
    await enqueueNotice(s.db, {
      dedupKey: `volunteer.registration:${row.id}:${updated.reviewedAt!.toISOString()}`,
      recipients: [row.userId],
      template: body.approve ? 'volunteer.registration_approved' : 'volunteer.registration_rejected',
      title: body.approve ? '志愿者登记已通过' : '志愿者登记未通过',
      body: body.approve
        ? '您已成为本社区注册志愿者，可以认领微心愿、报名志愿活动并获得志愿积分。'
        : `您的志愿者登记未通过审核，原因：${body.reason}。`,
      link: linkOfRegistration(),
    });
    return (await presentRegistrations(s.db, [updated]))[0];
  },
});

// ---- wishes and activities -----------------------------------------------------------------------------------

export async function startActivityCase(
  s: Services,
  p: Principal,
  input: {
    kind: 'wish' | 'activity';
    communityId: string;
    orgPath: string;
    title: string;
    description: string;
    place: string;
    startsAt: Date | null;
    endsAt: Date | null;
    slots: number;
    points: number;
    hours: number;
    photoIds: string[];
  },
): Promise<ActivityRow> {
  await checkPhotos(s.db, input.photoIds, p.userId);
  const id = randomUUID();
  const instance = await s.workflow.runtime.start({
    processId: input.kind === 'wish' ? WISH_PROCESS : ACTIVITY_PROCESS,
    businessKey: id,
    variables: {
      volunteerActivityId: id,
      kind: input.kind,
      subject: input.title,
      ...(input.endsAt ? { endsAt: input.endsAt.toISOString() } : {}),
    },
    initiator: p.userId,
    orgPath: input.orgPath,
  });
  const row = await s.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(volunteerActivities)
      .values({
        id,
        kind: input.kind,
        communityId: input.communityId,
        orgPath: input.orgPath,
        title: input.title,
        description: input.description,
        place: input.place,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        slots: input.slots,
        points: input.points,
        hours: String(input.hours),
        fileIds: input.photoIds,
        createdBy: p.userId,
        instanceId: instance.id,
        createdAt: s.now(),
        updatedAt: s.now(),
      })
      .returning();
    await claimFiles(tx, input.photoIds, {
      uploaderId: p.userId,
      instanceId: instance.id,
      orgPath: input.orgPath,
      kinds: ['image'],
      label: 'photoIds',
    });
    await recordCaseEvent(tx, {
      instanceId: instance.id,
      kind: input.kind === 'wish' ? 'volunteer.wish_posted' : 'volunteer.activity_posted',
      actor: p.userId,
      body: { comment: `${input.title}：${input.description}`, fileIds: input.photoIds, place: input.place },
    });
    return created!;
  });
  return row;
}

const createWish = defineRoute({
  method: 'post',
  path: '/volunteer/wishes',
  summary: 'Post a micro-wish (微心愿): what you need, when, where, with photos; the community reviews it',
  tag: TAG,
  auth: 'user',
  body: CreateVolunteerWish,
  status: 201,
  response: VolunteerActivityDetail,
  matrix: {
    body: () => ({ title: '帮忙更换灯泡', description: '卫生间灯泡坏了，够不着', place: '1号楼1单元101室' }),
  },
  handler: async ({ body, principal, services: s }) => {
    requirePermission(principal, 'volunteer_activities', 'create');
    const home = await homeOf(s.db, principal);
    if (!home) throw forbidden('Only a resident of the community posts a micro-wish');
    const row = await startActivityCase(s, principal, {
      kind: 'wish',
      communityId: home.communityId,
      orgPath: home.orgPath,
      title: body.title,
      description: body.description,
      place: body.place,
      startsAt: body.wantedAt ? new Date(body.wantedAt) : null,
      endsAt: null,
      slots: 1,
      points: DEFAULT_WISH_POINTS,
      hours: 1,
      photoIds: body.photoIds,
    });
    const { access } = await loadActivity(s, principal, row.id);
    return presentDetail(s, principal, row, access);
  },
});

const createActivity = defineRoute({
  method: 'post',
  path: '/volunteer/activities',
  summary: 'Post a volunteer activity with slots, hours and points per participant; the community reviews it',
  tag: TAG,
  auth: 'user',
  body: CreateVolunteerActivity,
  status: 201,
  response: VolunteerActivityDetail,
  matrix: {
    body: () => ({
      title: '社区环境清洁日',
      description: '清理楼道小广告和绿化带垃圾',
      place: '社区广场',
      startsAt: '2030-05-01T09:00:00+08:00',
      endsAt: '2030-05-01T11:00:00+08:00',
      slots: 10,
      points: 20,
      hours: 2,
    }),
  },
  handler: async ({ body, principal, services: s }) => {
    const scope = requirePermission(principal, 'volunteer_activities', 'create');
    const prefixes = [...new Set(scope.prefixes)];
    if (prefixes.length !== 1)
      throw forbidden('Only community staff of one community or grid post volunteer activities');
    const community = await communityOfUnit(s.db, prefixes[0]!);
    if (new Date(body.startsAt) <= s.now())
      throw badRequest('startsAt: the activity must start in the future');
    const row = await startActivityCase(s, principal, {
      kind: 'activity',
      communityId: community.id,
      orgPath: prefixes[0]!,
      title: body.title,
      description: body.description,
      place: body.place,
      startsAt: new Date(body.startsAt),
      endsAt: new Date(body.endsAt),
      slots: body.slots,
      points: body.points,
      hours: body.hours,
      photoIds: body.photoIds,
    });
    const { access } = await loadActivity(s, principal, row.id);
    return presentDetail(s, principal, row, access);
  },
});

const listActivities = defineRoute({
  method: 'get',
  path: '/volunteer/activities',
  summary:
    'Micro-wishes and volunteer activities: published ones of your community, yours, or (staff) your area',
  tag: TAG,
  auth: 'user',
  query: VolunteerActivityQuery,
  response: pageSchema(VolunteerActivity),
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'volunteer_activities', 'read');
    const mine = query.mine
      ? or(
          eq(volunteerActivities.createdBy, principal.userId),
          inArray(
            volunteerActivities.id,
            s.db
              .select({ id: volunteerParticipations.activityId })
              .from(volunteerParticipations)
              .where(
                and(
                  eq(volunteerParticipations.userId, principal.userId),
                  ne(volunteerParticipations.status, 'released'),
                ),
              ),
          ),
        )
      : undefined;
    const where = and(
      await listCondition(s, principal, scope),
      query.kind ? eq(volunteerActivities.kind, query.kind) : undefined,
      query.status ? eq(volunteerActivities.status, query.status) : undefined,
      mine,
    );
    return page(
      query,
      async (limit, offset) =>
        presentActivities(
          s.db,
          await s.db
            .select()
            .from(volunteerActivities)
            .where(where)
            .orderBy(desc(volunteerActivities.createdAt))
            .limit(limit)
            .offset(offset),
        ),
      async () => (await s.db.select({ n: count() }).from(volunteerActivities).where(where))[0]!.n,
    );
  },
});

const getActivity = defineRoute({
  method: 'get',
  path: '/volunteer/activities/:id',
  summary: 'A micro-wish or activity with its participants and what you may do with it',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  response: VolunteerActivityDetail,
  matrix: { target: 'volOpenWish' },
  handler: async ({ params, principal, services: s }) => {
    const { row, access } = await loadActivity(s, principal, params.id);
    return presentDetail(s, principal, row, access);
  },
});

const timeline = defineRoute({
  method: 'get',
  path: '/volunteer/activities/:id/timeline',
  summary: 'What happened with a wish or activity: for the poster, its volunteers and the community staff',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  response: Timeline,
  matrix: { target: 'volConfirmWish' },
  handler: async ({ params, principal, services: s }) => {
    const { row, access } = await loadActivity(s, principal, params.id);
    if (!access.owner && !access.participant && !access.staff)
      throw forbidden('The timeline is for the poster, the volunteers who took part and community staff');
    if (!row.instanceId) return { instanceId: row.id, entries: [] };
    return { instanceId: row.instanceId, entries: await caseTimeline(s, row.instanceId) };
  },
});

export async function reviewActivity(
  s: Services,
  principal: Principal,
  id: string,
  body: { approve: boolean; reason?: string | undefined; points?: number | undefined },
): Promise<ActivityRow> {
  const { row } = await loadActivity(s, principal, id);
  authorize(
    principal,
    'volunteer_activities',
    'review',
    { orgPath: row.orgPath },
    'Volunteer activity',
    row.id,
  );
  const task = row.instanceId ? await reviewTaskOf(s, row.instanceId) : undefined;
  if (!task || row.status !== 'pending_review') throw conflict(`This ${row.kind} has already been reviewed`);
  const { actor } = await loadTask(s, principal, task.id, 'act');
  if (body.approve && row.kind === 'wish' && body.points !== undefined)
    await s.db
      .update(volunteerActivities)
      .set({ points: body.points, updatedAt: s.now() })
      .where(eq(volunteerActivities.id, row.id));
  await s.db
    .update(volunteerActivities)
    .set({ reviewedBy: principal.userId, reviewNote: body.reason ?? null })
    .where(eq(volunteerActivities.id, row.id));
  await s.workflow.tasks.complete(task.id, actor, {
    outcome: body.approve ? 'approve' : 'reject',
    variables: { approved: body.approve, reviewReason: body.reason ?? null },
    comment: body.reason ?? null,
  });
  return row;
}

const review = defineRoute({
  method: 'post',
  path: '/volunteer/activities/:id/review',
  summary: 'Approve a micro-wish or activity (a wish gets its points here), or reject it with the reason',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: ReviewVolunteerActivity,
  response: VolunteerActivityDetail,
  matrix: { target: 'volWish', body: () => ({ approve: true, points: 10 }) },
  handler: async ({ params, body, principal, services: s }) => {
    const row = await reviewActivity(s, principal, params.id, body);
    const after = await loadActivity(s, principal, row.id);
    return presentDetail(s, principal, after.row, after.access);
  },
});

export async function claimActivity(s: Services, principal: Principal, id: string): Promise<ActivityRow> {
  const { row } = await loadActivity(s, principal, id);
  requirePermission(principal, 'volunteer_activities', 'update');
  if (row.createdBy === principal.userId)
    throw forbidden(row.kind === 'wish' ? 'You cannot claim your own wish' : 'You organise this activity');
  const communityPath = communityPathOf(row.orgPath) ?? row.orgPath;
  if (!(await isVolunteerIn(s.db, principal, { id: row.communityId, path: communityPath })))
    throw forbidden('Only registered volunteers of this community claim wishes and sign up for activities');
  if (row.kind === 'wish' && row.status !== 'open')
    throw conflict(
      row.status === 'pending_review'
        ? 'This wish is waiting for the community to review it'
        : 'This wish has already been claimed',
    );
  if (row.kind === 'activity') {
    if (row.status !== 'open') throw conflict('This activity is not open for sign-up');
    if (row.startsAt && row.startsAt <= s.now())
      throw conflict('Sign-up has closed: the activity has started');
  }
  const participation = await s.db.transaction(async (tx) => {
    const [locked] = await tx
      .select()
      .from(volunteerActivities)
      .where(eq(volunteerActivities.id, row.id))
      .for('update');
    if (locked!.status !== 'open') throw conflict(`This ${row.kind} is no longer open`);
    const taken = await tx
      .select()
      .from(volunteerParticipations)
      .where(
        and(eq(volunteerParticipations.activityId, row.id), ne(volunteerParticipations.status, 'released')),
      );
    if (taken.some((t) => t.userId === principal.userId))
      throw conflict(
        row.kind === 'wish' ? 'You have already claimed this wish' : 'You have already signed up',
      );
    if (taken.length >= locked!.slots)
      throw conflict(`The activity is full: all ${locked!.slots} slots are taken`, { slots: locked!.slots });
    const [inserted] = await tx
      .insert(volunteerParticipations)
      .values({ activityId: row.id, userId: principal.userId, orgPath: row.orgPath, createdAt: s.now() })
      .returning();
    if (row.kind === 'wish')
      await tx
        .update(volunteerActivities)
        .set({ status: 'claimed', updatedAt: s.now() })
        .where(eq(volunteerActivities.id, row.id));
    return inserted!;
  });
  if (row.instanceId) {
    await recordCaseEvent(s.db, {
      instanceId: row.instanceId,
      kind: row.kind === 'wish' ? 'volunteer.claimed' : 'volunteer.signed_up',
      actor: principal.userId,
      body: {
        comment:
          row.kind === 'wish' ? `${principal.displayName}认领了心愿` : `${principal.displayName}报名参加`,
        participationId: participation.id,
      },
    });
    if (row.kind === 'wish') {
      await s.workflow.runtime.correlateMessage('volunteer.claimed', row.id, {
        volunteerId: principal.userId,
      });
      await enqueueNotice(s.db, {
        dedupKey: `volunteer.claimed:${participation.id}`,
        recipients: [row.createdBy],
        template: 'volunteer.claimed',
        title: '您的微心愿已被认领',
        body: `志愿者${principal.displayName}认领了您的微心愿“${row.title}”，服务完成后请在小程序中确认。`,
        instanceId: row.instanceId,
        link: linkOfActivity(row.id),
      });
    }
  }
  return row;
}

const claim = defineRoute({
  method: 'post',
  path: '/volunteer/activities/:id/claim',
  summary: 'Claim a micro-wish (接单) or sign up for an activity slot, as a registered volunteer',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  response: VolunteerActivityDetail,
  matrix: { target: 'volOpenWish' },
  handler: async ({ params, principal, services: s }) => {
    const row = await claimActivity(s, principal, params.id);
    const after = await loadActivity(s, principal, row.id);
    return presentDetail(s, principal, after.row, after.access);
  },
});

const confirm = defineRoute({
  method: 'post',
  path: '/volunteer/activities/:id/confirm',
  summary:
    'Confirm the service happened, with photos and hours: the wish owner or organiser, or community staff on their behalf; never the volunteer',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: ConfirmVolunteerService,
  response: VolunteerActivityDetail,
  matrix: { target: 'volConfirmWish', body: () => ({ done: true, hours: 2, comment: '服务很好，谢谢' }) },
  handler: async ({ params, body, principal, services: s }) => {
    const { row, access } = await loadActivity(s, principal, params.id);
    requirePermission(principal, 'volunteer_activities', 'update');
    const parts = await activeParticipations(s.db, row.id);
    if (parts.some((x) => x.userId === principal.userId))
      throw forbidden('You cannot confirm your own service: the wish owner or the organiser confirms it');
    if (!access.owner && !access.review)
      throw forbidden(
        'Only the wish owner or the organiser (or community staff on their behalf) confirms the service',
      );
    const task = row.instanceId ? await confirmTaskOf(s, row.instanceId) : undefined;
    if (!task) {
      if (row.status === 'completed') throw conflict('The service has already been confirmed');
      if (row.kind === 'wish') throw conflict('Nobody is serving this wish now: there is nothing to confirm');
      throw conflict('The activity has not ended yet: confirm attendance after it ends');
    }
    const pending = parts.filter((x) => x.status === 'signed_up');
    let updates: { id: string; status: 'confirmed' | 'absent'; hours: string | null }[];
    if (row.kind === 'wish') {
      const hours = body.hours ?? Number(row.hours);
      updates = body.done
        ? pending.map((x) => ({ id: x.id, status: 'confirmed', hours: String(hours) }))
        : [];
    } else {
      if (!body.participants) throw badRequest('participants: list who attended (with their hours)');
      const unknown = body.participants.filter((x) => !pending.some((q) => q.id === x.participationId));
      if (unknown.length)
        throw badRequest(
          `participants: ${unknown.map((u) => u.participationId).join(', ')} did not sign up for this activity`,
        );
      updates = pending.map((x) => {
        const listed = body.participants!.find((q) => q.participationId === x.id);
        return listed?.attended
          ? { id: x.id, status: 'confirmed', hours: String(listed.hours ?? body.hours ?? Number(row.hours)) }
          : { id: x.id, status: 'absent', hours: null };
      });
    }
    await s.db.transaction(async (tx) => {
      await claimFiles(tx, body.photoIds, {
        uploaderId: principal.userId,
        instanceId: row.instanceId!,
        orgPath: row.orgPath,
        kinds: ['image'],
        label: 'photoIds',
      });
      for (const u of updates)
        await tx
          .update(volunteerParticipations)
          .set({ status: u.status, hours: u.hours, confirmedBy: principal.userId, confirmedAt: s.now() })
          .where(eq(volunteerParticipations.id, u.id));
      await recordCaseEvent(tx, {
        instanceId: row.instanceId!,
        kind: 'volunteer.confirmed',
        actor: principal.userId,
        body: {
          comment: body.comment ?? (body.done ? '服务已完成' : '服务未完成'),
          fileIds: body.photoIds,
          done: body.done,
          confirmed: updates.filter((u) => u.status === 'confirmed').length,
          activityId: task.activityId,
        },
      });
    });
    const actor: Actor = { userId: principal.userId, groups: [...task.candidateGroups], supervisor: true };
    const serviceDone = row.kind === 'activity' ? true : body.done;
    await s.workflow.tasks.complete(task.id, actor, {
      outcome: serviceDone ? 'confirmed' : 'not_done',
      variables: { serviceDone, confirmedBy: principal.userId },
      comment: body.comment ?? null,
    });
    const after = await loadActivity(s, principal, row.id);
    return presentDetail(s, principal, after.row, after.access);
  },
});

const withdraw = defineRoute({
  method: 'post',
  path: '/volunteer/activities/:id/withdraw',
  summary: 'Give back a claimed wish, or a slot of an activity that has not started (the volunteer)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: WithdrawVolunteer,
  response: VolunteerActivityDetail,
  matrix: { target: 'volWithdrawWish', body: () => ({ reason: '临时有事去不了' }) },
  handler: async ({ params, body, principal, services: s }) => {
    const { row } = await loadActivity(s, principal, params.id);
    requirePermission(principal, 'volunteer_activities', 'update');
    const mine = (await activeParticipations(s.db, row.id)).find((x) => x.userId === principal.userId);
    if (!mine) throw forbidden(`You have not ${row.kind === 'wish' ? 'claimed this wish' : 'signed up'}`);
    if (mine.status !== 'signed_up') throw conflict('The service has already been confirmed');
    if (row.kind === 'activity' && row.startsAt && row.startsAt <= s.now())
      throw conflict('The activity has started: ask the organiser to record you absent');
    const task = row.kind === 'wish' && row.instanceId ? await confirmTaskOf(s, row.instanceId) : undefined;
    if (row.kind === 'wish' && !task) throw conflict('This wish is not waiting for your service');
    await s.db
      .update(volunteerParticipations)
      .set({ status: 'released' })
      .where(and(eq(volunteerParticipations.id, mine.id), eq(volunteerParticipations.status, 'signed_up')));
    if (row.instanceId)
      await recordCaseEvent(s.db, {
        instanceId: row.instanceId,
        kind: 'volunteer.withdrawn',
        actor: principal.userId,
        body: {
          comment: body.reason ?? `${principal.displayName}取消了${row.kind === 'wish' ? '接单' : '报名'}`,
        },
      });
    if (task) {
      // the wish goes back to waiting for a volunteer (重新发布心愿)
      const actor: Actor = { userId: principal.userId, groups: [...task.candidateGroups], supervisor: true };
      await s.workflow.tasks.complete(task.id, actor, {
        outcome: 'withdrawn',
        variables: { serviceDone: false },
        comment: body.reason ?? null,
      });
      await enqueueNotice(s.db, {
        dedupKey: `volunteer.withdrawn:${mine.id}`,
        recipients: [row.createdBy],
        template: 'volunteer.withdrawn',
        title: '志愿者已取消接单',
        body: `志愿者${principal.displayName}取消了对微心愿“${row.title}”的接单${body.reason ? `（${body.reason}）` : ''}，心愿已重新开放认领。`,
        instanceId: row.instanceId,
        link: linkOfActivity(row.id),
      });
    }
    const after = await loadActivity(s, principal, row.id);
    return presentDetail(s, principal, after.row, after.access);
  },
});

const cancelActivity = defineRoute({
  method: 'post',
  path: '/volunteer/activities/:id/cancel',
  summary:
    'Call off a wish or activity (the poster, or community staff): the case ends and volunteers are told',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: CancelVolunteerActivity,
  response: VolunteerActivityDetail,
  matrix: { target: 'volCancelWish', body: () => ({ reason: '问题已自行解决' }) },
  handler: async ({ params, body, principal, services: s, requestId }) => {
    const { row, access } = await loadActivity(s, principal, params.id);
    requirePermission(principal, 'volunteer_activities', 'update');
    if (!access.owner && !access.review)
      throw forbidden('Only the poster or community staff call off a wish or activity');
    if (['completed', 'rejected', 'cancelled'].includes(row.status))
      throw conflict(`This ${row.kind} is already ${row.status}`);
    const parts = await activeParticipations(s.db, row.id);
    if (parts.some((x) => x.status === 'confirmed')) throw conflict('The service has already been confirmed');
    if (row.instanceId) {
      const instance = await s.workflow.store.getInstance(row.instanceId);
      if (instance?.status === 'running')
        await s.workflow.runtime.cancel(row.instanceId, body.reason, principal.userId);
    }
    await s.db.transaction(async (tx) => {
      await tx
        .update(volunteerActivities)
        .set({ status: 'cancelled', updatedAt: s.now() })
        .where(eq(volunteerActivities.id, row.id));
      await tx
        .update(volunteerParticipations)
        .set({ status: 'released' })
        .where(
          and(
            eq(volunteerParticipations.activityId, row.id),
            eq(volunteerParticipations.status, 'signed_up'),
          ),
        );
      if (row.instanceId)
        await recordCaseEvent(tx, {
          instanceId: row.instanceId,
          kind: 'volunteer.cancelled',
          actor: principal.userId,
          body: { comment: body.reason, requestId },
        });
    });
    await enqueueNotice(s.db, {
      dedupKey: `volunteer.cancelled:${row.id}`,
      recipients: [...parts.map((x) => x.userId), ...(access.owner ? [] : [row.createdBy])],
      template: 'volunteer.cancelled',
      title: row.kind === 'wish' ? '微心愿已取消' : '志愿活动已取消',
      body: `${row.kind === 'wish' ? '微心愿' : '志愿活动'}“${row.title}”已取消，原因：${body.reason}。`,
      instanceId: row.instanceId,
      link: linkOfActivity(row.id),
    });
    const after = await loadActivity(s, principal, row.id);
    return presentDetail(s, principal, after.row, after.access);
  },
});

const adjust = defineRoute({
  method: 'post',
  path: '/volunteer/points/adjustments',
  summary: "Correct a volunteer's points by hand, or enter history from paper records (the community admin)",
  tag: TAG,
  auth: 'user',
  body: AdjustPoints,
  status: 201,
  response: PointsAdjusted,
  matrix: { body: (fx) => ({ userId: fx.volunteerUser, amount: 5, reason: '线下志愿服务补录' }) },
  handler: async ({ body, principal, services: s }) => {
    requirePermission(principal, 'points', 'update');
    const [user] = await s.db
      .select({ residentId: users.residentId })
      .from(users)
      .where(eq(users.id, body.userId));
    const [home] = user?.residentId
      ? await s.db
          .select({ orgPath: residents.orgPath, communityId: residents.communityId })
          .from(residents)
          .where(eq(residents.id, user.residentId))
      : [];
    if (!home) throw notFound('Volunteer', body.userId);
    authorize(principal, 'points', 'update', { orgPath: home.orgPath }, 'Volunteer', body.userId);
    const communityPath = communityPathOf(home.orgPath)!;
    const causeKey = `adjustment:${body.key ?? randomUUID()}`;
    const entry = await s.db.transaction(async (tx) => {
      await lockAccount(tx, body.userId, home.communityId);
      const [existing] = await tx.select().from(pointsLedger).where(eq(pointsLedger.causeKey, causeKey));
      if (existing && existing.userId !== body.userId)
        throw conflict('This key was used for another adjustment');
      if (existing) return existing;
      const balance = await balanceOf(tx, body.userId, home.communityId);
      if (balance + body.amount < 0) throw insufficientPoints(balance, -body.amount);
      const [row] = await tx
        .insert(pointsLedger)
        .values({
          userId: body.userId,
          communityId: home.communityId,
          orgPath: communityPath,
          amount: body.amount,
          kind: 'adjustment',
          causeKey,
          hours: String(body.hours),
          note: body.reason,
          createdBy: principal.userId,
          at: s.now(),
        })
        .returning();
      return row!;
    });
    await enqueueNotice(s.db, {
      dedupKey: `volunteer.points:${causeKey}`,
      recipients: [body.userId],
      template: 'volunteer.points_adjusted',
      title: '志愿积分调整',
      body: `社区为您${entry.amount > 0 ? '增加' : '扣减'}志愿积分${Math.abs(entry.amount)}分：${entry.note}。`,
      link: linkOfPoints(),
    });
    return { entry: presentEntry(entry), balance: await balanceOf(s.db, body.userId, home.communityId) };
  },
});

// ---- records and ranking ---------------------------------------------------------------------------------------

async function recordOf(s: Services, userId: string, communityId: string | null) {
  const [user] = await s.db.select({ name: users.displayName }).from(users).where(eq(users.id, userId));
  const now = s.now();
  const since = yearStart(now);
  if (!communityId) {
    return {
      userId,
      name: user?.name ?? '',
      communityId: null,
      isPartyMember: false,
      registration: null,
      balance: 0,
      earned: { allTime: 0, thisYear: 0 },
      hours: { allTime: 0, thisYear: 0 },
      services: 0,
      rank: {
        pointsAllTime: { rank: null, of: 0 },
        pointsThisYear: { rank: null, of: 0 },
        hoursAllTime: { rank: null, of: 0 },
        hoursThisYear: { rank: null, of: 0 },
      },
      ledger: [],
    };
  }
  const [all, year] = await Promise.all([
    standings(s.db, communityId, null),
    standings(s.db, communityId, since),
  ]);
  const mineAll = all.find((x) => x.userId === userId);
  const mineYear = year.find((x) => x.userId === userId);
  const profile = await profileOf(s.db, userId, communityId);
  return {
    userId,
    name: user?.name ?? '',
    communityId,
    isPartyMember: profile?.status === 'approved' && profile.isPartyMember,
    registration: profile?.status ?? null,
    balance: await balanceOf(s.db, userId, communityId),
    earned: { allTime: mineAll?.points ?? 0, thisYear: mineYear?.points ?? 0 },
    hours: { allTime: mineAll?.hours ?? 0, thisYear: mineYear?.hours ?? 0 },
    services: mineAll?.services ?? 0,
    rank: {
      pointsAllTime: await positionOf(s.db, communityId, userId, null, 'points'),
      pointsThisYear: await positionOf(s.db, communityId, userId, since, 'points'),
      hoursAllTime: await positionOf(s.db, communityId, userId, null, 'hours'),
      hoursThisYear: await positionOf(s.db, communityId, userId, since, 'hours'),
    },
    ledger: (await ledgerOf(s.db, userId, communityId)).map(presentEntry),
  };
}

const myRecord = defineRoute({
  method: 'get',
  path: '/volunteer/me/record',
  summary: 'Your volunteer record: balance, points history, hours, services and rank in your community',
  tag: TAG,
  auth: 'user',
  response: VolunteerRecord,
  handler: async ({ principal, services: s }) => {
    requirePermission(principal, 'points', 'read');
    const [community] = await memberCommunities(s.db, principal);
    return recordOf(s, principal.userId, community ?? null);
  },
});

const record = defineRoute({
  method: 'get',
  path: '/volunteer/records/:id',
  summary: "A volunteer's record (by account id): yours, or one of your area's volunteers",
  tag: TAG,
  auth: 'user',
  params: IdParams,
  response: VolunteerRecord,
  matrix: { target: 'volunteerUser' },
  handler: async ({ params, principal, services: s }) => {
    requirePermission(principal, 'points', 'read');
    const [user] = await s.db
      .select({ residentId: users.residentId })
      .from(users)
      .where(eq(users.id, params.id));
    if (!user) throw notFound('Volunteer', params.id);
    const [home] = user.residentId
      ? await s.db
          .select({ orgPath: residents.orgPath, communityId: residents.communityId })
          .from(residents)
          .where(eq(residents.id, user.residentId))
      : [];
    if (!home) throw notFound('Volunteer', params.id);
    authorize(
      principal,
      'points',
      'read',
      { orgPath: home.orgPath, isSelf: params.id === principal.userId },
      'Volunteer',
      params.id,
    );
    return recordOf(s, params.id, home.communityId);
  },
});

async function communityUnit(s: Services, id: string) {
  const [unit] = await s.db
    .select({ path: orgUnits.path })
    .from(orgUnits)
    .where(and(eq(orgUnits.id, id), eq(orgUnits.kind, 'community')));
  return unit;
}

async function communityFor(
  s: Services,
  p: Principal,
  resource: 'points' | 'mall_items',
  communityId: string | undefined,
): Promise<{ id: string; path: string }> {
  const scope = requirePermission(p, resource, 'read');
  if (communityId) {
    const unit = await communityUnit(s, communityId);
    if (!unit) throw notFound('Community', communityId);
    const member = scope.self && (await memberCommunities(s.db, p)).includes(communityId);
    if (!member && !pathInScope(scope, unit.path) && !scope.prefixes.some((x) => x.startsWith(unit.path)))
      throw notFound('Community', communityId);
    return { id: communityId, path: unit.path };
  }
  const communities = new Set<string>();
  for (const prefix of scope.prefixes) {
    const id = communityIdOf(prefix);
    if (id) communities.add(id);
  }
  if (scope.self) for (const id of await memberCommunities(s.db, p)) communities.add(id);
  if (communities.size !== 1) throw badRequest('Name the community (communityId)');
  const [id] = [...communities];
  const unit = await communityUnit(s, id!);
  return { id: id!, path: unit!.path };
}

const rankingRoute = defineRoute({
  method: 'get',
  path: '/volunteer/ranking',
  summary: "The community's volunteers ranked by points earned or hours, this year or all time",
  tag: TAG,
  auth: 'user',
  query: VolunteerRankingQuery,
  response: VolunteerRanking,
  matrix: { query: (fx) => ({ communityId: fx.community! }) },
  handler: async ({ query, principal, services: s }) => {
    const community = await communityFor(s, principal, 'points', query.communityId);
    const items = await ranking(s.db, community.id, {
      since: query.period === 'year' ? yearStart(s.now()) : null,
      by: query.by,
      limit: query.limit,
    });
    return { communityId: community.id, period: query.period, by: query.by, items };
  },
});

// ---- the mall -------------------------------------------------------------------------------------------------

async function loadItem(
  s: Services,
  p: Principal,
  id: string,
): Promise<{ item: MallItemRow; staff: boolean }> {
  const scope = requirePermission(p, 'mall_items', 'read');
  const [item] = await s.db.select().from(mallItems).where(eq(mallItems.id, id));
  if (!item) throw notFound('Mall item', id);
  const staff = pathInScope(scope, item.orgPath);
  const member = scope.self && item.active && (await memberCommunities(s.db, p)).includes(item.communityId);
  if (!staff && !member) throw notFound('Mall item', id);
  return { item, staff };
}

const listItems = defineRoute({
  method: 'get',
  path: '/volunteer/mall/items',
  summary: 'The points mall of your community: goods and services, price in points, stock',
  tag: TAG,
  auth: 'user',
  query: MallQuery,
  response: pageSchema(MallItem),
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'mall_items', 'read');
    const communities = scope.self ? await memberCommunities(s.db, principal) : [];
    const staffOnly = scopeCondition({ ...scope, self: false }, mallItems.orgPath);
    const where = and(
      sql`(${staffOnly} or ${communities.length ? and(inArray(mallItems.communityId, communities), eq(mallItems.active, true)) : sql`false`})`,
      query.all ? undefined : eq(mallItems.active, true),
    );
    return page(
      query,
      async (limit, offset) =>
        (
          await s.db
            .select()
            .from(mallItems)
            .where(where)
            .orderBy(mallItems.pointsPrice, mallItems.name)
            .limit(limit)
            .offset(offset)
        ).map(presentItem),
      async () => (await s.db.select({ n: count() }).from(mallItems).where(where))[0]!.n,
    );
  },
});

const createItem = defineRoute({
  method: 'post',
  path: '/volunteer/mall/items',
  summary: 'Offer goods or a service in the points mall (the community, or a local shop)',
  tag: TAG,
  auth: 'user',
  body: CreateMallItem,
  status: 201,
  response: MallItem,
  matrix: {
    body: (fx) => ({ name: '洗衣液', pointsPrice: 30, stock: 20, organisationId: fx.organisation }),
  },
  handler: async ({ body, principal, services: s }) => {
    const scope = requirePermission(principal, 'mall_items', 'create');
    let communityId = body.communityId;
    if (!communityId) {
      const ids = [...new Set(scope.prefixes.map(communityIdOf).filter((x): x is string => !!x))];
      if (ids.length !== 1) throw badRequest('Name the community (communityId)');
      communityId = ids[0]!;
    }
    const unit = await communityUnit(s, communityId);
    if (!unit) throw badRequest(`communityId: ${communityId} is not a community`);
    authorize(principal, 'mall_items', 'create', { orgPath: unit.path }, 'Community', communityId);
    let providerName = body.providerName;
    if (body.organisationId) {
      const [org] = await s.db.select().from(organisations).where(eq(organisations.id, body.organisationId));
      if (!org || org.communityId !== communityId)
        throw badRequest(`organisationId: ${body.organisationId} is not an organisation of this community`);
      providerName = providerName ?? org.name;
    }
    const [item] = await s.db
      .insert(mallItems)
      .values({
        communityId,
        orgPath: unit.path,
        name: body.name,
        description: body.description,
        kind: body.kind,
        pointsPrice: body.pointsPrice,
        stock: body.stock,
        organisationId: body.organisationId ?? null,
        providerName: providerName ?? '社区',
        providerUserId: body.providerUserId ?? null,
        createdBy: principal.userId,
        createdAt: s.now(),
        updatedAt: s.now(),
      })
      .returning();
    return presentItem(item!);
  },
});

const updateItem = defineRoute({
  method: 'patch',
  path: '/volunteer/mall/items/:id',
  summary: 'Change a mall item: price, stock (restock), description, or take it off the shelf',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: UpdateMallItem,
  response: MallItem,
  matrix: { target: 'volMallItem', body: () => ({ stock: 100 }) },
  handler: async ({ params, body, principal, services: s }) => {
    const { item } = await loadItem(s, principal, params.id);
    authorize(principal, 'mall_items', 'update', { orgPath: item.orgPath }, 'Mall item', item.id);
    const [updated] = await s.db
      .update(mallItems)
      .set({ ...body, updatedAt: s.now() })
      .where(eq(mallItems.id, item.id))
      .returning();
    return presentItem(updated!);
  },
});

const redeemRoute = defineRoute({
  method: 'post',
  path: '/volunteer/mall/items/:id/redeem',
  summary:
    'Redeem points for an item: stock is reserved and points debited together, or nothing changes (409)',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: RedeemMallItem,
  status: 201,
  response: Redemption,
  matrix: { target: 'volMallItem', body: () => ({ quantity: 1 }) },
  handler: async ({ params, body, principal, services: s }) => {
    const { item } = await loadItem(s, principal, params.id);
    const scope = requirePermission(principal, 'redemptions', 'create');
    if (!scope.self || !(await memberCommunities(s.db, principal)).includes(item.communityId))
      throw forbidden('Only members of this community redeem its points');
    const { redemption, balance } = await redeem(s, principal.userId, item, body.quantity);
    const [view] = await presentRedemptions(s.db, [redemption], () => true);
    return { ...view!, balance };
  },
});

async function loadRedemption(
  s: Services,
  p: Principal,
  id: string,
): Promise<{ row: RedemptionRow; own: boolean; staff: boolean; provider: boolean }> {
  const [row] = await s.db.select().from(redemptions).where(eq(redemptions.id, id));
  if (!row) throw notFound('Redemption', id);
  const [item] = await s.db.select().from(mallItems).where(eq(mallItems.id, row.itemId));
  const provider = item?.providerUserId === p.userId;
  const read = scopeFor(p, 'redemptions', 'read');
  const own = read.self && row.userId === p.userId;
  const staff = pathInScope(read, row.orgPath);
  if (!own && !staff && !provider) {
    requirePermission(p, 'redemptions', 'read');
    throw notFound('Redemption', id);
  }
  return { row, own, staff, provider };
}

const listRedemptions = defineRoute({
  method: 'get',
  path: '/volunteer/redemptions',
  summary: 'Redemptions: yours, or (staff) those of your area to hand over',
  tag: TAG,
  auth: 'user',
  query: RedemptionQuery,
  response: pageSchema(Redemption),
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'redemptions', 'read');
    const where = and(
      scopeCondition(scope, redemptions.orgPath, eq(redemptions.userId, principal.userId)),
      query.status ? eq(redemptions.status, query.status) : undefined,
    );
    return page(
      query,
      async (limit, offset) =>
        presentRedemptions(
          s.db,
          await s.db
            .select()
            .from(redemptions)
            .where(where)
            .orderBy(desc(redemptions.createdAt))
            .limit(limit)
            .offset(offset),
          (r) => r.userId === principal.userId,
        ),
      async () => (await s.db.select({ n: count() }).from(redemptions).where(where))[0]!.n,
    );
  },
});

const fulfil = defineRoute({
  method: 'post',
  path: '/volunteer/redemptions/:id/fulfil',
  summary: 'Hand over a redemption: the shop or the community checks the pickup code and marks it fulfilled',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: FulfilRedemption,
  response: Redemption,
  matrix: { target: 'volRedemptionToFulfil', body: (fx) => ({ pickupCode: fx.volPickupCode }) },
  handler: async ({ params, body, principal, services: s }) => {
    const { row, provider } = await loadRedemption(s, principal, params.id);
    if (!provider)
      authorize(principal, 'redemptions', 'update', { orgPath: row.orgPath }, 'Redemption', row.id);
    const updated = await fulfilRedemption(s, row, principal.userId, body.pickupCode);
    const [view] = await presentRedemptions(s.db, [updated], () => false);
    return view;
  },
});

const cancel = defineRoute({
  method: 'post',
  path: '/volunteer/redemptions/:id/cancel',
  summary: 'Cancel a redemption not yet handed over: the stock and the points come back',
  tag: TAG,
  auth: 'user',
  params: IdParams,
  body: CancelRedemption,
  response: Redemption,
  matrix: { target: 'volRedemption', body: () => ({ reason: '不需要了' }) },
  handler: async ({ params, body, principal, services: s }) => {
    const { row, own } = await loadRedemption(s, principal, params.id);
    if (!own) authorize(principal, 'redemptions', 'update', { orgPath: row.orgPath }, 'Redemption', row.id);
    const updated = await cancelRedemption(s, row, principal.userId, body.reason);
    const [view] = await presentRedemptions(s.db, [updated], () => own);
    return { ...view!, ...(own ? { balance: await balanceOf(s.db, row.userId, row.communityId) } : {}) };
  },
});

export const volunteerRoutes: RouteDef[] = [
  registerRoute,
  listRegistrations,
  reviewRegistration,
  createWish,
  createActivity,
  listActivities,
  getActivity,
  timeline,
  review,
  claim,
  confirm,
  withdraw,
  cancelActivity,
  adjust,
  myRecord,
  record,
  rankingRoute,
  listItems,
  createItem,
  updateItem,
  redeemRoute,
  listRedemptions,
  fulfil,
  cancel,
];
