// The dispute API. Every :id route first decides the caller's part in the case (domain.ts loadDispute: 404
// for anyone without one), then whether that part may do this (403), then whether the case is at the step
// the request needs (409). Staff reads are written to the audit log.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import {
  Dispute,
  DisputeAcceptance,
  DisputeCommitteeMember,
  DisputeCommitteeMemberInput,
  DisputeCommitteeQuery,
  DisputeDetail,
  DisputeFileQuery,
  DisputeFollowUpInput,
  DisputeOutcomeInput,
  DisputeQuery,
  DisputeReferralReceipt,
  DisputeReturn,
  DisputeRevealParty,
  DisputeSessionInput,
  DisputeSignatureInput,
  IdParams,
  RegisterDispute,
  Timeline,
  pageOf,
} from '@linli/contracts';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { orgUnits, users } from '../../db/schema.js';
import { claimFiles, fileRows } from '../../files/service.js';
import { writeAudit } from '../../domain/audit.js';
import { hasRole, pathInScope, requirePermission, scopeFor } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { caseTimeline, recordCaseEvent } from '../../workflow/timeline.js';
import {
  CATEGORY_NAMES,
  completeAs,
  isCandidate,
  isEligibleMediator,
  listDisputes,
  loadDispute,
  mediatorChoices,
  notifyFollowers,
  openTaskAt,
  present,
  registerDispute,
  sessionsOf,
  touch,
  type LoadedDispute,
} from './domain.js';
import { disputeCommitteeMembers, disputeParties, disputeSessions } from './schema.js';

const detail = async (s: Services, p: Principal, id: string, requestId: string) =>
  present(s, await loadDispute(s, p, id, { audit: { action: 'dispute_read', requestId } }), p);

/** the mediator of the case, or an admin over it; a party or registrant may see the case but not do this */
function requireWorker(l: LoadedDispute, what: string): void {
  if (l.ent.as !== 'mediator' && l.ent.as !== 'admin')
    throw forbidden(`Only the mediator or an admin may ${what}`);
}

const register = defineRoute({
  method: 'post',
  path: '/disputes',
  summary: 'Register a dispute: a resident for themself, or staff for residents / from the hotline',
  tag: 'disputes',
  auth: 'user',
  body: RegisterDispute,
  status: 201,
  response: DisputeDetail,
  matrix: {
    body: (fx) => ({
      orgUnitId: fx.grid,
      title: '楼上漏水邻里纠纷',
      description: '楼上卫生间漏水浸湿我家天花板，多次沟通未果。',
      parties: [{ name: '王某', role: 'respondent', address: '1号楼1单元201室' }],
    }),
  },
  handler: async ({ body, principal, services: s, requestId }) => {
    requirePermission(principal, 'disputes', 'create');
    const { dispute } = await registerDispute(s, principal, body);
    return detail(s, principal, dispute.id, requestId);
  },
});

const list = defineRoute({
  method: 'get',
  path: '/disputes',
  summary: 'Disputes you are a party to, registered, mediate, or oversee as an admin',
  tag: 'disputes',
  auth: 'user',
  query: DisputeQuery,
  response: pageOf(Dispute),
  // listed with the filter a task's page uses to find its dispute
  matrix: { query: (fx) => ({ instanceId: fx.disputeInstance! }) },
  handler: async ({ query, principal, services: s, requestId }) => {
    requirePermission(principal, 'disputes', 'read');
    return listDisputes(s, principal, query, requestId);
  },
});

const get = defineRoute({
  method: 'get',
  path: '/disputes/:id',
  summary: 'A dispute as your part in it shows it (staff reads are audited)',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  response: DisputeDetail,
  matrix: { target: 'dispute' },
  handler: async ({ params, principal, services: s, requestId }) =>
    detail(s, principal, params.id, requestId),
});

const timeline = defineRoute({
  method: 'get',
  path: '/disputes/:id/timeline',
  summary:
    'What happened in the case, for everyone with a part in it (says what was done, not what was said)',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  response: Timeline,
  matrix: { target: 'dispute' },
  handler: async ({ params, principal, services: s, requestId }) => {
    const { d } = await loadDispute(s, principal, params.id, {
      audit: { action: 'dispute_read', requestId },
    });
    if (!d.instanceId) return { instanceId: d.id, entries: [] };
    return { instanceId: d.instanceId, entries: await caseTimeline(s, d.instanceId) };
  },
});

const mediators = defineRoute({
  method: 'get',
  path: '/disputes/:id/mediators',
  summary: 'Who may mediate this dispute: the committee members and the grid workers of its community',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  response: z.object({
    items: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        kind: z.enum(['committee', 'grid_worker']),
        title: z.string(),
      }),
    ),
  }),
  matrix: { target: 'dispute' },
  handler: async ({ params, principal: p, services: s }) => {
    const l = await loadDispute(s, p, params.id);
    if (l.ent.as !== 'admin' && l.ent.as !== 'committee')
      throw forbidden('Only the mediation committee or an admin chooses the mediator');
    return { items: await mediatorChoices(s.db, l.d) };
  },
});

const acceptance = defineRoute({
  method: 'post',
  path: '/disputes/:id/acceptance',
  summary: 'Classify and accept (受理) a dispute with its mediator, or decline it with the referral',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  body: DisputeAcceptance,
  response: DisputeDetail,
  matrix: {
    target: 'dispute',
    body: (fx) => ({ decision: 'accept', category: 'neighbour', mediatorUserId: fx.disputeMediator }),
  },
  handler: async ({ params, body, principal: p, services: s, requestId }) => {
    const l = await loadDispute(s, p, params.id);
    if (l.ent.as !== 'admin' && l.ent.as !== 'committee')
      throw forbidden('Only the mediation committee or a community admin decides on acceptance');
    const task = await openTaskAt(s, l.d, ['Task_Accept', 'Task_AcceptSupervised'], 'acceptance');
    const admin = l.ent.as === 'admin';
    if (!admin && !isCandidate(p, task))
      throw forbidden('The acceptance is overdue and now with the community admin (督办)');
    const now = s.now();
    if (body.decision === 'accept') {
      if (!(await isEligibleMediator(s.db, body.mediatorUserId, l.d)))
        throw badRequest(
          `mediatorUserId: ${body.mediatorUserId} is not a grid worker of this community or a member of its mediation committee`,
          { mediatorUserId: body.mediatorUserId },
        );
      await completeAs(s, p, task, admin, {
        variables: { decision: 'accept', mediatorId: body.mediatorUserId, category: body.category },
        outcome: 'accept',
        comment: body.comment ?? null,
      });
      const d = await touch(
        s.db,
        l.d.id,
        {
          status: 'mediating',
          category: body.category,
          mediatorId: body.mediatorUserId,
          acceptedBy: p.userId,
          acceptedAt: now,
        },
        now,
      );
      const [mediator] = await s.db
        .select({ name: users.displayName })
        .from(users)
        .where(eq(users.id, body.mediatorUserId));
      await notifyFollowers(
        s,
        d,
        l.parties,
        'accepted',
        '纠纷已受理',
        `您的纠纷（${d.caseNo}）已受理，类型：${CATEGORY_NAMES[body.category]}，调解员${mediator?.name ?? ''}将与您联系。`,
      );
    } else {
      await touch(
        s.db,
        l.d.id,
        { rejectReason: body.reason, referredTo: body.referredTo, acceptedBy: p.userId },
        now,
      );
      await completeAs(s, p, task, admin, {
        variables: { decision: 'reject' },
        outcome: 'reject',
        comment: `不予受理，已告知转介至${body.referredTo}`,
      });
    }
    await writeAudit(s.db, {
      actorUserId: p.userId,
      action: body.decision === 'accept' ? 'dispute_accept' : 'dispute_reject',
      targetType: 'dispute',
      targetId: l.d.id,
      requestId,
      orgPath: l.d.orgPath,
    });
    return detail(s, p, l.d.id, requestId);
  },
});

const session = defineRoute({
  method: 'post',
  path: '/disputes/:id/sessions',
  summary: 'Record a mediation session (date, place, attendees, notes, files); repeatable until an outcome',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  body: DisputeSessionInput,
  status: 201,
  response: DisputeDetail,
  matrix: {
    target: 'disputeMediating',
    body: () => ({
      heldAt: '2026-06-03T02:00:00.000Z',
      place: '社区调解室',
      attendees: ['张某', '王某'],
      notes: '双方陈述了漏水经过，约定三日内请物业检测。',
    }),
  },
  handler: async ({ params, body, principal: p, services: s, requestId }) => {
    const l = await loadDispute(s, p, params.id);
    requireWorker(l, 'record mediation sessions');
    await openTaskAt(s, l.d, ['Task_Mediate'], 'mediation sessions');
    const seq = (await sessionsOf(s.db, l.d.id)).length + 1;
    await s.db.transaction(async (tx) => {
      await tx.insert(disputeSessions).values({
        disputeId: l.d.id,
        seq,
        heldAt: new Date(body.heldAt),
        place: body.place,
        attendees: body.attendees,
        notes: body.notes,
        fileIds: body.fileIds,
        shared: body.shareWithParties,
        recordedBy: p.userId,
      });
      await claimFiles(tx, body.fileIds, {
        uploaderId: p.userId,
        instanceId: l.d.instanceId!,
        orgPath: '',
        label: 'fileIds',
      });
    });
    // the timeline says that a session took place, not what was said in it
    await recordCaseEvent(s.db, {
      at: s.now(),
      instanceId: l.d.instanceId!,
      kind: 'dispute.session',
      actor: p.userId,
      body: { seq, activityId: 'Task_Mediate', comment: `第${seq}次调解已记录` },
    });
    await touch(s.db, l.d.id, {}, s.now());
    return detail(s, p, l.d.id, requestId);
  },
});

const outcome = defineRoute({
  method: 'post',
  path: '/disputes/:id/outcome',
  summary:
    'Record the mediation outcome: the agreed terms, or no agreement and the referral (street / court)',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  body: DisputeOutcomeInput,
  response: DisputeDetail,
  matrix: {
    target: 'disputeOutcome',
    body: () => ({
      outcome: 'agreement',
      terms: ['王某于十日内修复卫生间防水，并承担张某天花板修复费用800元。'],
    }),
  },
  handler: async ({ params, body, principal: p, services: s, requestId }) => {
    const l = await loadDispute(s, p, params.id);
    requireWorker(l, 'record the outcome');
    const task = await openTaskAt(s, l.d, ['Task_Mediate'], 'a mediation outcome');
    if (!(await sessionsOf(s.db, l.d.id)).length)
      throw conflict('Record at least one mediation session before the outcome');
    const now = s.now();
    if (body.outcome === 'agreement') {
      if (l.parties.length < 2) throw badRequest('An agreement needs at least two parties');
      await touch(s.db, l.d.id, { outcome: 'agreement', terms: body.terms }, now);
      await completeAs(s, p, task, l.ent.as === 'admin', {
        variables: { mediationResult: 'agreement' },
        outcome: 'agreement',
        comment: '调解达成协议',
      });
    } else {
      const status = body.referral === 'street' ? 'referred_street' : 'referred_court';
      await touch(
        s.db,
        l.d.id,
        { outcome: 'no_agreement', referral: body.referral, outcomeReason: body.reason, status },
        now,
      );
      await completeAs(s, p, task, l.ent.as === 'admin', {
        variables: { mediationResult: 'no_agreement', referral: body.referral },
        outcome: 'no_agreement',
        comment: body.referral === 'street' ? '调解未达成协议，移交街道' : '调解未达成协议，引导诉讼',
      });
    }
    return detail(s, p, l.d.id, requestId);
  },
});

const signature = defineRoute({
  method: 'post',
  path: '/disputes/:id/signatures',
  summary: "Record a party's signature on the agreement (an uploaded image); the last one completes signing",
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  body: DisputeSignatureInput,
  response: DisputeDetail,
  matrix: {
    target: 'disputeSigning',
    body: (fx) => ({ partyId: fx.disputeSigningParty, fileId: fx.disputeSignatureFile }),
  },
  handler: async ({ params, body, principal: p, services: s, requestId }) => {
    const l = await loadDispute(s, p, params.id);
    const forSelf = l.ent.ownPartyIds.includes(body.partyId);
    if (l.ent.as !== 'mediator' && l.ent.as !== 'admin' && !forSelf)
      throw forbidden('A party signs only for themself; the mediator records the others');
    const task = await openTaskAt(s, l.d, ['Task_Sign'], 'signatures');
    const party = l.parties.find((x) => x.id === body.partyId);
    if (!party) throw badRequest(`partyId: ${body.partyId} is not a party of this dispute`);
    if (party.signedAt) throw conflict(`${party.name} has already signed`);
    const [file] = await fileRows(s.db, [body.fileId]);
    const allowedUploaders = [p.userId, l.d.mediatorId, party.userId].filter(Boolean);
    if (!file || !allowedUploaders.includes(file.uploadedBy) || file.kind !== 'image')
      throw badRequest(`fileId: ${body.fileId} is not a signature image uploaded for this case`, {
        fileIds: [body.fileId],
      });
    const now = s.now();
    const remaining = await s.db.transaction(async (tx) => {
      await claimFiles(tx, [body.fileId], {
        uploaderId: file.uploadedBy,
        instanceId: l.d.instanceId!,
        orgPath: '',
        kinds: ['image'],
        label: 'fileId',
      });
      const [signed] = await tx
        .update(disputeParties)
        .set({ signatureFileId: body.fileId, signedAt: now })
        .where(and(eq(disputeParties.id, party.id), isNull(disputeParties.signedAt)))
        .returning();
      if (!signed) throw conflict(`${party.name} has already signed`);
      return l.parties.filter((x) => x.id !== party.id && !x.signedAt).length;
    });
    const total = l.parties.length;
    await recordCaseEvent(s.db, {
      at: s.now(),
      instanceId: l.d.instanceId!,
      kind: 'dispute.signed',
      actor: p.userId,
      body: { activityId: 'Task_Sign', comment: `当事人签字 ${total - remaining}/${total}` },
    });
    if (remaining === 0) {
      await touch(s.db, l.d.id, { status: 'follow_up' }, now);
      // the step is done when every party has signed, whoever recorded the last signature
      await completeAs(s, p, task, true, {
        variables: { signedAt: now.toISOString() },
        outcome: 'signed',
        comment: '各方当事人已签字，协议生效',
      });
    }
    return detail(s, p, l.d.id, requestId);
  },
});

const giveBack = defineRoute({
  method: 'post',
  path: '/disputes/:id/return',
  summary: 'Hand a case under mediation back to acceptance (退回), e.g. for a conflict of interest',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  body: DisputeReturn,
  response: z.object({ id: z.string(), status: z.string(), returnedTo: z.string() }),
  matrix: { target: 'disputeMediating', body: () => ({ reason: '调解员与被申请人系亲属，申请回避' }) },
  handler: async ({ params, body, principal: p, services: s, requestId }) => {
    const l = await loadDispute(s, p, params.id);
    requireWorker(l, 'hand the case back');
    const task = await openTaskAt(s, l.d, ['Task_Mediate'], 'mediation');
    const done = await s.workflow.store.queryTasks({
      instanceId: l.d.instanceId!,
      status: 'completed',
      limit: 200,
      offset: 0,
    });
    const decided = done.items
      .filter((t) => t.activityId === 'Task_Accept' || t.activityId === 'Task_AcceptSupervised')
      .sort((a, b) => (b.completedAt?.getTime() ?? 0) - (a.completedAt?.getTime() ?? 0))[0];
    if (!decided) throw conflict('This case was never accepted through the acceptance step');
    await s.workflow.tasks.returnTo(
      task.id,
      { userId: p.userId, groups: [], supervisor: l.ent.as === 'admin' },
      decided.activityId,
      body.reason,
    );
    await touch(
      s.db,
      l.d.id,
      { status: 'registered', mediatorId: null, acceptedBy: null, acceptedAt: null },
      s.now(),
    );
    await writeAudit(s.db, {
      actorUserId: p.userId,
      action: 'dispute_return',
      targetType: 'dispute',
      targetId: l.d.id,
      reason: body.reason,
      requestId,
      orgPath: l.d.orgPath,
    });
    return { id: l.d.id, status: 'registered', returnedTo: decided.name };
  },
});

const followUp = defineRoute({
  method: 'post',
  path: '/disputes/:id/follow-up',
  summary: 'Record the follow-up visit (回访) 30 days after the agreement; closes the case',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  body: DisputeFollowUpInput,
  response: DisputeDetail,
  matrix: {
    target: 'disputeMediating',
    body: () => ({
      visitedAt: '2026-07-05T02:00:00.000Z',
      fulfilled: true,
      note: '协议已履行，双方无新矛盾。',
    }),
  },
  handler: async ({ params, body, principal: p, services: s, requestId }) => {
    const l = await loadDispute(s, p, params.id);
    requireWorker(l, 'record the follow-up visit');
    const task = await openTaskAt(s, l.d, ['Task_FollowUp'], 'the follow-up visit');
    await touch(
      s.db,
      l.d.id,
      { followUpAt: new Date(body.visitedAt), followUpFulfilled: body.fulfilled, followUpNote: body.note },
      s.now(),
    );
    await completeAs(s, p, task, l.ent.as === 'admin', {
      variables: { fulfilled: body.fulfilled },
      outcome: body.fulfilled ? 'fulfilled' : 'not_fulfilled',
      comment: body.fulfilled ? '回访：协议已履行' : '回访：协议未完全履行',
    });
    return detail(s, p, l.d.id, requestId);
  },
});

const streetReceipt = defineRoute({
  method: 'post',
  path: '/disputes/:id/street-receipt',
  summary: 'The street takes over a dispute the community could not settle (with the case record)',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  body: DisputeReferralReceipt,
  response: DisputeDetail,
  matrix: {
    target: 'disputeMediating',
    body: () => ({ comment: '街道人民调解委员会已接收，将于三日内约谈双方。' }),
  },
  handler: async ({ params, body, principal: p, services: s, requestId }) => {
    const l = await loadDispute(s, p, params.id);
    const open = l.d.instanceId
      ? (
          await s.workflow.store.queryTasks({
            instanceId: l.d.instanceId,
            status: 'open',
            limit: 20,
            offset: 0,
          })
        ).items
      : [];
    const task = open.find((t) => t.activityId === 'Task_StreetReceive');
    const candidate = !!task && isCandidate(p, task);
    const streetLevel = l.ent.as === 'admin' && hasRole(p, 'street_admin', 'district_admin');
    if (!candidate && !streetLevel) throw forbidden('Only the street takes over a referred dispute');
    if (!task) throw conflict(`This dispute is not waiting for the street (it is ${l.d.status})`);
    await completeAs(s, p, task, !candidate, { outcome: 'received', comment: body.comment });
    return detail(s, p, l.d.id, requestId);
  },
});

const reveal = defineRoute({
  method: 'post',
  path: '/disputes/:id/reveal',
  summary: "A party's full phone number, for the mediator or an admin who must call them (audited)",
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  body: DisputeRevealParty,
  response: z.object({ partyId: z.string(), name: z.string(), phone: z.string() }),
  matrix: {
    target: 'disputeMediating',
    body: (fx) => ({ partyId: fx.disputeMediatingParty, reason: '电话通知调解时间' }),
  },
  handler: async ({ params, body, principal: p, services: s, requestId }) => {
    const l = await loadDispute(s, p, params.id);
    const may =
      l.ent.as === 'mediator' ||
      (l.ent.as === 'admin' && pathInScope(scopeFor(p, 'disputes', 'reveal'), l.d.orgPath));
    if (!may) throw forbidden("Only the mediator or a community / street admin sees a party's full phone");
    const party = l.parties.find((x) => x.id === body.partyId);
    if (!party) throw badRequest(`partyId: ${body.partyId} is not a party of this dispute`);
    if (!party.phoneEnc) throw conflict(`No phone number was recorded for ${party.name}`);
    await writeAudit(s.db, {
      actorUserId: p.userId,
      action: 'dispute_party_reveal',
      targetType: 'dispute_party',
      targetId: party.id,
      fields: ['phone'],
      reason: body.reason,
      requestId,
      orgPath: l.d.orgPath,
    });
    return { partyId: party.id, name: party.name, phone: s.vault.decrypt(party.phoneEnc) };
  },
});

const file = defineRoute({
  method: 'get',
  path: '/disputes/:id/file',
  summary: 'Download a file of the dispute you may see (agreement, case record, session files, signatures)',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  query: DisputeFileQuery,
  matrix: { target: 'dispute', query: (fx) => ({ fileId: fx.disputeFile! }) },
  handler: async ({ params, query, principal: p, services: s, requestId, koa }) => {
    const l = await loadDispute(s, p, params.id);
    const { d, ent, parties } = l;
    const sessions = await sessionsOf(s.db, d.id);
    const visible = new Set<string>([
      ...(d.agreementFileId ? [d.agreementFileId] : []),
      ...(ent.full || d.registeredBy === p.userId ? d.fileIds : []),
      ...sessions.filter((x) => ent.full || x.shared).flatMap((x) => x.fileIds),
      ...(ent.full && d.recordFileId ? [d.recordFileId] : []),
      ...parties
        .filter((x) => x.signatureFileId && (ent.full || ent.ownPartyIds.includes(x.id)))
        .map((x) => x.signatureFileId!),
    ]);
    if (!visible.has(query.fileId)) throw notFound('File', query.fileId);
    const [row] = await fileRows(s.db, [query.fileId]);
    if (!row) throw notFound('File', query.fileId);
    if (ent.staff)
      await writeAudit(s.db, {
        actorUserId: p.userId,
        action: 'dispute_file_read',
        targetType: 'dispute',
        targetId: d.id,
        fields: [row.id],
        requestId,
        orgPath: d.orgPath,
      });
    koa.set('content-type', row.contentType);
    koa.set('cache-control', 'private, no-store');
    koa.set('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(row.name)}`);
    return s.files.get(row.storageKey);
  },
});

// ---------------------------------------------------------------------------------------------------------
// The community mediation committee (人民调解委员会)

async function communityFor(s: Services, p: Principal, communityId: string, action: 'supervise' | 'manage') {
  requirePermission(p, 'disputes', action);
  const [unit] = await s.db.select().from(orgUnits).where(eq(orgUnits.id, communityId));
  if (!unit || !pathInScope(scopeFor(p, 'disputes', 'supervise'), unit.path))
    throw notFound('Community', communityId);
  if (unit.kind !== 'community') throw badRequest(`communityId: ${unit.name} is not a community`);
  if (!pathInScope(scopeFor(p, 'disputes', action), unit.path))
    throw forbidden('You may not manage this mediation committee');
  return unit;
}

async function members(s: Services, communityIds: string[]) {
  const rows = await s.db
    .select({
      id: disputeCommitteeMembers.id,
      communityId: disputeCommitteeMembers.communityId,
      userId: disputeCommitteeMembers.userId,
      title: disputeCommitteeMembers.title,
      name: users.displayName,
    })
    .from(disputeCommitteeMembers)
    .innerJoin(users, eq(users.id, disputeCommitteeMembers.userId))
    .where(
      and(
        inArray(disputeCommitteeMembers.communityId, communityIds),
        isNull(disputeCommitteeMembers.removedAt),
      ),
    )
    .orderBy(disputeCommitteeMembers.createdAt);
  return rows;
}

const committeeList = defineRoute({
  method: 'get',
  path: '/dispute-committee',
  summary: "A community's mediation committee members",
  tag: 'disputes',
  auth: 'user',
  query: DisputeCommitteeQuery,
  response: z.object({ items: z.array(DisputeCommitteeMember) }),
  matrix: { query: (fx) => ({ communityId: fx.community! }) },
  handler: async ({ query, principal: p, services: s }) => {
    const unit = await communityFor(s, p, query.communityId, 'supervise');
    return { items: await members(s, [unit.id]) };
  },
});

const committeeAdd = defineRoute({
  method: 'post',
  path: '/dispute-committee',
  summary: 'Add a member to a community mediation committee',
  tag: 'disputes',
  auth: 'user',
  body: DisputeCommitteeMemberInput,
  status: 201,
  response: DisputeCommitteeMember,
  matrix: { body: (fx) => ({ communityId: fx.community, userId: fx.committeeCandidate, title: '委员' }) },
  handler: async ({ body, principal: p, services: s, requestId }) => {
    const unit = await communityFor(s, p, body.communityId, 'manage');
    const [user] = await s.db
      .select({ id: users.id, name: users.displayName, status: users.status })
      .from(users)
      .where(eq(users.id, body.userId));
    if (!user || user.status !== 'active') throw badRequest(`userId: ${body.userId} is not an active user`);
    const [existing] = await s.db
      .select()
      .from(disputeCommitteeMembers)
      .where(
        and(eq(disputeCommitteeMembers.communityId, unit.id), eq(disputeCommitteeMembers.userId, user.id)),
      );
    if (existing && !existing.removedAt) throw conflict(`${user.name} is already a member of this committee`);
    const [row] = existing
      ? await s.db
          .update(disputeCommitteeMembers)
          .set({ removedAt: null, title: body.title })
          .where(eq(disputeCommitteeMembers.id, existing.id))
          .returning()
      : await s.db
          .insert(disputeCommitteeMembers)
          .values({ communityId: unit.id, userId: user.id, title: body.title })
          .returning();
    await writeAudit(s.db, {
      actorUserId: p.userId,
      action: 'dispute_committee_add',
      targetType: 'user',
      targetId: user.id,
      fields: [body.title],
      requestId,
      orgPath: unit.path,
    });
    return { id: row!.id, communityId: unit.id, userId: user.id, name: user.name, title: row!.title };
  },
});

const committeeRemove = defineRoute({
  method: 'post',
  path: '/dispute-committee/:id/remove',
  summary: 'Remove a member from a mediation committee (cases they mediate keep them)',
  tag: 'disputes',
  auth: 'user',
  params: IdParams,
  response: z.object({ id: z.string(), removed: z.boolean() }),
  matrix: { target: 'committeeMember' },
  handler: async ({ params, principal: p, services: s, requestId }) => {
    requirePermission(p, 'disputes', 'manage');
    const [row] = await s.db
      .select()
      .from(disputeCommitteeMembers)
      .where(eq(disputeCommitteeMembers.id, params.id));
    if (!row) throw notFound('Committee member', params.id);
    const unit = await communityFor(s, p, row.communityId, 'manage').catch((err: unknown) => {
      throw err instanceof Error && 'status' in err && (err as { status: number }).status === 404
        ? notFound('Committee member', params.id)
        : err;
    });
    if (row.removedAt) throw conflict('This member has already left the committee');
    await s.db
      .update(disputeCommitteeMembers)
      .set({ removedAt: s.now() })
      .where(eq(disputeCommitteeMembers.id, row.id));
    await writeAudit(s.db, {
      actorUserId: p.userId,
      action: 'dispute_committee_remove',
      targetType: 'user',
      targetId: row.userId,
      requestId,
      orgPath: unit.path,
    });
    return { id: row.id, removed: true };
  },
});

export const disputeRoutes: RouteDef[] = [
  register,
  list,
  get,
  timeline,
  mediators,
  acceptance,
  session,
  outcome,
  signature,
  followUp,
  streetReceipt,
  reveal,
  giveBack,
  file,
  committeeList,
  committeeAdd,
  committeeRemove,
];
