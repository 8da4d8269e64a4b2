// Applications (办件): submitting one online or at the window, and working its steps. Each step is a user task
// of the `approval` diagram; the routes here check the domain's rules (what pre-review may ask for, that a
// conclusion carries its document or reason), complete the task through the runtime's task service (which
// checks that the caller is a candidate or a supervisor), then record what the case now holds.
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { TaskRow } from '@linli/workflows';
import type {
  ConcludeStep,
  HandleStep,
  PreReview,
  RateApproval,
  Supplement,
  SubmitApproval,
} from '@linli/contracts';
import type { DbOrTx } from '../../db/client.js';
import { files, roleAssignments, orgUnits, users, wfInstances } from '../../db/schema.js';
import { claimFiles } from '../../files/service.js';
import { getResident } from '../../domain/residents.js';
import { writeAudit } from '../../domain/audit.js';
import { REVEALABLE } from '../../policy/permissions.js';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { authorize, pathInScope, requirePermission, scopeFor } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { loadTask, type LoadedTask } from '../../workflow/task-access.js';
import { recordCaseEvent } from '../../workflow/timeline.js';
import { enqueueNotice } from '../shared/notify.js';
import { getItem, type ItemRow } from './catalogue.js';
import {
  checkForm,
  checkMaterials,
  requireFields,
  sealForm,
  throwProblems,
  type FormValues,
  type Problem,
} from './form.js';
import { linkOfApproval, linkOfApprovalHandling } from './links.js';
import { approvalItems, approvals } from './schema.js';

export type ApprovalRow = typeof approvals.$inferSelect;

export const PROCESS_ID = 'approval';

/** the diagram's steps and the state a case at each one is in */
export const STEPS: Record<string, { state: string; name: string }> = {
  Task_PreReview: { state: 'pre_review', name: '预审' },
  Task_Supplement: { state: 'supplement', name: '补正材料' },
  Task_Accept: { state: 'accept', name: '受理' },
  Task_Handle: { state: 'handle', name: '承办' },
  Task_Review: { state: 'review', name: '审核' },
  Task_Conclude: { state: 'conclude', name: '办结' },
};
/** 退回: the step each staff step goes back to */
const PREVIOUS: Record<string, string> = {
  Task_Accept: 'Task_PreReview',
  Task_Handle: 'Task_Accept',
  Task_Review: 'Task_Handle',
  Task_Conclude: 'Task_Review',
};

// ---------------------------------------------------------------------------------------------- reading

export async function getApproval(
  s: Services,
  p: Principal,
  id: string,
  action: 'read' | 'update' | 'supervise' = 'read',
): Promise<ApprovalRow> {
  requirePermission(p, 'approvals', action);
  const [row] = await s.db.select().from(approvals).where(eq(approvals.id, id));
  if (!row) throw notFound('Application', id);
  authorize(
    p,
    'approvals',
    action,
    { orgPath: row.orgPath, isSelf: row.applicantUserId === p.userId },
    'Application',
    id,
  );
  return row;
}

export async function openTasksOf(s: Services, instanceId: string): Promise<TaskRow[]> {
  return (await s.workflow.store.queryTasks({ instanceId, status: 'open', limit: 20, offset: 0 })).items;
}

// ---------------------------------------------------------------------------------------------- files

/** The checks claimFiles makes, without filing anything: run before the engine moves, so bad ids change nothing. */
async function precheckFiles(db: DbOrTx, ids: string[], uploaderId: string, label: string) {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const rows = await db.select().from(files).where(inArray(files.id, unique));
  const bad = unique.filter((id) => {
    const row = rows.find((r) => r.id === id);
    return !row || row.uploadedBy !== uploaderId || row.instanceId !== null || row.kind === 'audio';
  });
  if (bad.length)
    throw badRequest(
      `${label}: ${bad.join(', ')} ${bad.length === 1 ? 'is not a file' : 'are not files'} you uploaded as a scan or photo (or already filed with a case)`,
      { fileIds: bad },
    );
}

// ---------------------------------------------------------------------------------------------- people

/** Users holding one of `roles` in a unit at or above `orgPath` (who works or supervises a case there). */
export async function usersWithRoles(db: DbOrTx, roles: string[], orgPath: string): Promise<string[]> {
  if (!roles.length) return [];
  const rows = await db
    .selectDistinct({ userId: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(
      and(
        inArray(roleAssignments.role, roles as (typeof roleAssignments.$inferSelect)['role'][]),
        sql`${orgPath} like ${orgUnits.path} || '%'`,
      ),
    );
  return rows.map((r) => r.userId);
}

/** Who must act on the open steps: their holders, or else everyone in their candidate groups there. */
export async function holdersOf(db: DbOrTx, tasks: TaskRow[]): Promise<string[]> {
  const out = new Set<string>();
  for (const t of tasks) {
    if (t.assignee) out.add(t.assignee);
    else {
      t.candidateUsers.forEach((u) => out.add(u));
      if (t.orgPath) (await usersWithRoles(db, t.candidateGroups, t.orgPath)).forEach((u) => out.add(u));
    }
  }
  return [...out];
}

// ---------------------------------------------------------------------------------------------- submit

function caseNumber(now: Date): string {
  const china = new Date(now.getTime() + 8 * 3_600_000).toISOString();
  return `SP${china.slice(0, 10).replace(/-/g, '')}${randomBytes(3).toString('hex').toUpperCase()}`;
}

export async function submitApproval(
  s: Services,
  p: Principal,
  body: z.infer<typeof SubmitApproval>,
): Promise<ApprovalRow> {
  const scope = requirePermission(p, 'approvals', 'create');
  // online: a resident for themself; window (窗口办件): staff for a resident of their area
  const window = !!body.residentId && body.residentId !== p.residentId;
  let residentId: string;
  if (window) {
    const resident = await getResident(s.db, body.residentId!);
    authorize(p, 'approvals', 'create', { orgPath: resident.orgPath }, 'Resident', resident.id);
    residentId = resident.id;
  } else {
    if (!p.residentId || !scope.self)
      throw badRequest(
        'Name the resident you enter the application for (residentId): you are not a resident',
      );
    residentId = p.residentId;
  }
  const resident = await getResident(s.db, residentId);
  if (resident.status !== 'active') throw badRequest(`${resident.name} is not an active resident`);

  const item = await loadItemFor(s, body.itemId, resident.orgPath, window ? p : null);
  const problems: Problem[] = [];
  const values = checkForm(item.formFields, body.form as FormValues, problems);
  requireFields(item.formFields, (k) => values[k] !== undefined, problems);
  checkMaterials(item.materials, body.materials, problems, true);
  throwProblems(problems);
  const fileIds = body.materials.flatMap((m) => m.fileIds);
  await precheckFiles(s.db, fileIds, p.userId, 'materials');

  const [applicantUser] = await s.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.residentId, resident.id), eq(users.status, 'active')))
    .limit(1);
  const applicantUserId = window ? (applicantUser?.id ?? null) : p.userId;
  const now = s.now();
  const number = caseNumber(now);
  const instance = await s.workflow.runtime.start({
    processId: PROCESS_ID,
    businessKey: number,
    initiator: applicantUserId ?? p.userId,
    orgPath: resident.orgPath,
    variables: {
      itemId: item.id,
      itemName: item.name,
      applicantName: resident.name,
      channel: window ? 'window' : 'online',
      limitDays: item.timeLimitDays,
      acceptGroup: item.acceptGroup,
      handleGroup: item.handleGroup,
      reviewGroup: item.reviewGroup,
      // who hands in what is missing: the applicant online; at the window, the staff member who took it
      supplementAssignee: p.userId,
    },
  });
  const vars = instance.variables;
  const { form, sealed } = sealForm(s.vault, item.formFields, values);
  try {
    return await s.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(approvals)
        .values({
          number,
          itemId: item.id,
          itemName: item.name,
          instanceId: instance.id,
          orgPath: resident.orgPath,
          applicantResidentId: resident.id,
          applicantUserId,
          applicantName: resident.name,
          channel: window ? 'window' : 'online',
          registeredBy: window ? p.userId : null,
          form,
          formSealed: sealed,
          materials: body.materials.map((m) => ({ name: m.name, fileIds: [...new Set(m.fileIds)] })),
          timeLimitDays: item.timeLimitDays,
          submittedAt: now,
          dueAt: typeof vars.dueAt === 'string' ? new Date(vars.dueAt) : null,
          warnAt: typeof vars.warnAt === 'string' ? new Date(vars.warnAt) : null,
        })
        .returning();
      await claimFiles(tx, fileIds, {
        uploaderId: p.userId,
        instanceId: instance.id,
        orgPath: resident.orgPath,
        kinds: ['image', 'document'],
        label: 'materials',
      });
      await recordCaseEvent(tx, {
        instanceId: instance.id,
        kind: 'approval.submitted',
        actor: p.userId,
        at: now,
        body: {
          comment: body.comment ?? (window ? `窗口代为申请：${item.name}` : `网上申请：${item.name}`),
          fileIds,
          channel: window ? 'window' : 'online',
          number,
        },
      });
      if (window && applicantUserId)
        await enqueueNotice(tx, {
          dedupKey: `${instance.id}:approval.window`,
          recipients: [applicantUserId],
          template: 'approval.submitted',
          title: '窗口已为您登记办件',
          body: `社区服务窗口已为您登记“${item.name}”，办件编号 ${number}，承诺${item.timeLimitDays}个工作日内办结。`,
          instanceId: instance.id,
          link: linkOfApproval(row!.id),
        });
      return row!;
    });
  } catch (err) {
    await s.workflow.runtime.cancel(instance.id, 'the application could not be recorded', p.userId);
    throw err;
  }
}

/** The item, checked for an applicant living at `home`; staff at the window must also see it. */
async function loadItemFor(
  s: Services,
  itemId: string,
  home: string,
  staff: Principal | null,
): Promise<ItemRow> {
  const [item] = staff
    ? [await getItem(s, staff, itemId)]
    : await s.db.select().from(approvalItems).where(eq(approvalItems.id, itemId));
  if (!item) throw notFound('Approval item', itemId);
  if (!home.startsWith(item.orgPath))
    throw new ApiError(
      422,
      'item_not_offered',
      `“${item.name}” is offered by another community; apply for the items of the applicant's own community`,
    );
  if (!item.published)
    throw new ApiError(
      422,
      'item_unpublished',
      `“${item.name}” is not open for applications (not published)`,
    );
  return item;
}

// ---------------------------------------------------------------------------------------------- steps

interface StepContext {
  row: ApprovalRow;
  loaded: LoadedTask;
}

/** The open task of `activityId` on this case, loaded for the caller to act on (403/404 as the policy says). */
async function stepTask(
  s: Services,
  p: Principal,
  row: ApprovalRow,
  activityId: string,
): Promise<StepContext> {
  const open = await openTasksOf(s, row.instanceId);
  const task = open.find((t) => t.activityId === activityId);
  if (!task) {
    const at = open.map((t) => STEPS[t.activityId]?.name ?? t.name).join('、');
    throw conflict(
      `The application is not at ${STEPS[activityId]?.name ?? activityId}${at ? ` (it is at ${at})` : ' (it is not open)'}`,
    );
  }
  try {
    return { row, loaded: await loadTask(s, p, task.id, 'act') };
  } catch (err) {
    // the caller reads the application but the step is not theirs: say so rather than hide the task
    if (err instanceof ApiError && err.status === 404)
      throw forbidden(`${STEPS[activityId]?.name ?? activityId} is not yours to work on this application`);
    throw err;
  }
}

async function complete(
  s: Services,
  ctx: StepContext,
  input: { outcome: string; variables?: Record<string, unknown>; comment?: string | undefined },
) {
  await s.workflow.tasks.complete(ctx.loaded.task.id, ctx.loaded.actor, {
    outcome: input.outcome,
    variables: input.variables ?? {},
    comment: input.comment ?? null,
  });
}

export async function preReview(s: Services, p: Principal, id: string, body: z.infer<typeof PreReview>) {
  const row = await getApproval(s, p, id, 'update');
  const ctx = await stepTask(s, p, row, 'Task_PreReview');
  const [item] = await s.db.select().from(approvalItems).where(eq(approvalItems.id, row.itemId));
  const known = new Set([...item!.materials.map((m) => m.name), ...item!.formFields.map((f) => f.key)]);
  const unknown = body.missing.filter((m) => !known.has(m));
  if (unknown.length)
    throw badRequest(
      `missing: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} neither a material nor a form field of this item`,
      { missing: unknown },
    );
  const missing = body.outcome === 'incomplete' ? [...new Set(body.missing)] : [];
  await complete(s, ctx, {
    outcome: body.outcome,
    variables: { preReview: body.outcome, missing },
    comment: body.comment,
  });
  if (body.outcome === 'incomplete') {
    const labels = missing.map((m) => item!.formFields.find((f) => f.key === m)?.label ?? m);
    await s.db
      .update(approvals)
      .set({ missing, supplementCount: sql`${approvals.supplementCount} + 1`, updatedAt: s.now() })
      .where(eq(approvals.id, row.id));
    await recordCaseEvent(s.db, {
      instanceId: row.instanceId,
      kind: 'approval.supplement_requested',
      actor: p.userId,
      body: { comment: body.comment ?? null, missing: labels },
    });
    await enqueueNotice(s.db, {
      dedupKey: `${row.instanceId}:approval.supplement:${row.supplementCount + 1}`,
      recipients: [row.applicantUserId ?? ''],
      template: 'approval.supplement',
      title: '申请材料需要补正',
      body: `您申请的“${row.itemName}”（${row.number}）需补正：${labels.join('、')}。${body.comment ?? ''}补正前办理时限暂停计算。`,
      instanceId: row.instanceId,
      link: linkOfApproval(row.id),
    });
  }
}

export async function supplement(s: Services, p: Principal, id: string, body: z.infer<typeof Supplement>) {
  const row = await getApproval(s, p, id, 'update');
  const supervisor = pathInScope(scopeFor(p, 'approvals', 'supervise'), row.orgPath);
  if (row.applicantUserId !== p.userId && row.registeredBy !== p.userId && !supervisor)
    throw forbidden(
      'Only the applicant, or the staff member who took the window application, supplements it',
    );
  const ctx = await stepTask(s, p, row, 'Task_Supplement');
  const [it] = await s.db.select().from(approvalItems).where(eq(approvalItems.id, row.itemId));
  const problems: Problem[] = [];
  const values = checkForm(it!.formFields, body.form as FormValues, problems);
  checkMaterials(it!.materials, body.materials, problems, false);
  for (const name of row.missing) {
    const field = it!.formFields.find((f) => f.key === name);
    if (field) {
      if (values[name] === undefined)
        problems.push({ path: `form.${name}`, message: `${field.label} was asked for by pre-review` });
    } else if (!body.materials.some((m) => m.name === name))
      problems.push({ path: 'materials', message: `the material "${name}" was asked for by pre-review` });
  }
  throwProblems(problems);
  const fileIds = body.materials.flatMap((m) => m.fileIds);
  await precheckFiles(s.db, fileIds, p.userId, 'materials');
  await complete(s, ctx, { outcome: 'supplemented', comment: body.comment });
  const { form, sealed } = sealForm(s.vault, it!.formFields, values);
  const materials = row.materials.map((m) => ({ ...m, fileIds: [...m.fileIds] }));
  for (const m of body.materials) {
    const existing = materials.find((x) => x.name === m.name);
    if (existing) existing.fileIds = [...new Set([...existing.fileIds, ...m.fileIds])];
    else materials.push({ name: m.name, fileIds: [...new Set(m.fileIds)] });
  }
  await s.db.transaction(async (tx) => {
    await tx
      .update(approvals)
      .set({
        materials,
        form: { ...row.form, ...form },
        formSealed: { ...row.formSealed, ...sealed },
        missing: [],
        updatedAt: s.now(),
      })
      .where(eq(approvals.id, row.id));
    await claimFiles(tx, fileIds, {
      uploaderId: p.userId,
      instanceId: row.instanceId,
      orgPath: row.orgPath,
      kinds: ['image', 'document'],
      label: 'materials',
    });
    await recordCaseEvent(tx, {
      instanceId: row.instanceId,
      kind: 'approval.supplemented',
      actor: p.userId,
      body: { comment: body.comment ?? '已补正材料', fileIds, materials: body.materials.map((m) => m.name) },
    });
  });
}

export async function accept(s: Services, p: Principal, id: string, comment: string | undefined) {
  const row = await getApproval(s, p, id, 'update');
  await complete(s, await stepTask(s, p, row, 'Task_Accept'), {
    outcome: 'accept',
    comment: comment ?? '予以受理',
  });
}

export async function handle(s: Services, p: Principal, id: string, body: z.infer<typeof HandleStep>) {
  const row = await getApproval(s, p, id, 'update');
  const ctx = await stepTask(s, p, row, 'Task_Handle');
  await precheckFiles(s.db, body.fileIds, p.userId, 'fileIds');
  await complete(s, ctx, {
    outcome: body.opinion,
    variables: { opinion: body.opinion },
    comment: body.comment,
  });
  await s.db.transaction(async (tx) => {
    await tx
      .update(approvals)
      .set({ handlerUserId: p.userId, updatedAt: s.now() })
      .where(eq(approvals.id, row.id));
    await claimFiles(tx, body.fileIds, {
      uploaderId: p.userId,
      instanceId: row.instanceId,
      orgPath: row.orgPath,
      kinds: ['image', 'document'],
      label: 'fileIds',
    });
    if (body.fileIds.length)
      await recordCaseEvent(tx, {
        instanceId: row.instanceId,
        kind: 'approval.handling_files',
        actor: p.userId,
        body: { comment: '承办附件', fileIds: body.fileIds, activityId: 'Task_Handle' },
      });
  });
}

export async function review(s: Services, p: Principal, id: string, comment: string | undefined) {
  const row = await getApproval(s, p, id, 'update');
  await complete(s, await stepTask(s, p, row, 'Task_Review'), {
    outcome: 'agree',
    comment: comment ?? '审核通过',
  });
}

export async function conclude(s: Services, p: Principal, id: string, body: z.infer<typeof ConcludeStep>) {
  const row = await getApproval(s, p, id, 'update');
  const ctx = await stepTask(s, p, row, 'Task_Conclude');
  await precheckFiles(s.db, body.resultFileIds, p.userId, 'resultFileIds');
  const resultFileIds = body.result === 'approved' ? [...new Set(body.resultFileIds)] : [];
  // the files are filed before the step moves on: the archiving service task sends the applicant the result
  await s.db.transaction(async (tx) => {
    await claimFiles(tx, resultFileIds, {
      uploaderId: p.userId,
      instanceId: row.instanceId,
      orgPath: row.orgPath,
      kinds: ['image', 'document'],
      label: 'resultFileIds',
    });
  });
  await complete(s, ctx, {
    outcome: body.result,
    variables: { result: body.result, refusalReason: body.reason ?? null, resultFileIds },
    comment: body.comment ?? (body.result === 'refused' ? body.reason : '准予办理，已出具结果'),
  });
}

/** 退回: the open staff step goes back to the one before it, with the reason on the timeline. */
export async function returnStep(s: Services, p: Principal, id: string, reason: string) {
  const row = await getApproval(s, p, id, 'update');
  const open = await openTasksOf(s, row.instanceId);
  const task = open.find((t) => PREVIOUS[t.activityId]);
  if (!task) {
    const at = open.map((t) => STEPS[t.activityId]?.name ?? t.name).join('、') || 'no open step';
    throw conflict(`Nothing to return: the application is at ${at}, which has no earlier staff step`);
  }
  const { actor } = await loadTask(s, p, task.id, 'act');
  if (!task.assignee) await s.workflow.tasks.claim(task.id, actor);
  await s.workflow.tasks.returnTo(task.id, actor, PREVIOUS[task.activityId]!, reason);
}

/** 督办催办: a supervisor urges whoever holds the open step; they are told through the outbox. */
export async function urge(s: Services, p: Principal, id: string, message: string) {
  const row = await getApproval(s, p, id, 'supervise');
  const open = (await openTasksOf(s, row.instanceId)).filter((t) => t.activityId !== 'Task_Supplement');
  if (!open.length) throw conflict('The application has no open staff step to urge');
  for (const t of open)
    await s.workflow.tasks.urge(t.id, { userId: p.userId, groups: [], supervisor: true }, message);
  const [updated] = await s.db
    .update(approvals)
    .set({ urgeCount: sql`${approvals.urgeCount} + 1`, lastUrgedAt: s.now(), updatedAt: s.now() })
    .where(eq(approvals.id, row.id))
    .returning();
  await enqueueNotice(s.db, {
    dedupKey: `${row.instanceId}:approval.urged:${updated!.urgeCount}`,
    recipients: await holdersOf(s.db, open),
    template: 'approval.urged',
    title: '督办催办',
    body: `办件“${row.itemName}”（${row.number}，申请人${row.applicantName}）${message}`,
    instanceId: row.instanceId,
    link: linkOfApprovalHandling(row.id),
    data: { approvalId: row.id },
  });
}

export async function rate(s: Services, p: Principal, id: string, body: z.infer<typeof RateApproval>) {
  const row = await getApproval(s, p, id, 'update');
  if (row.applicantUserId !== p.userId)
    throw new ApiError(403, 'forbidden', 'Only the applicant rates the service');
  if (!row.outcome) throw conflict('The application is not concluded yet; rate it once it is');
  const [rated] = await s.db
    .update(approvals)
    .set({ rating: body.score, ratingComment: body.comment ?? null, ratedAt: s.now(), updatedAt: s.now() })
    .where(and(eq(approvals.id, row.id), isNull(approvals.rating)))
    .returning();
  if (!rated) throw conflict('You have already rated this application');
  await recordCaseEvent(s.db, {
    instanceId: row.instanceId,
    kind: 'approval.rated',
    actor: p.userId,
    body: { comment: body.comment ?? null, score: body.score },
  });
  return rated;
}

/** 可用不可见: a personal form value in full, for staff whose role may see it, with the reason in the audit log. */
export async function revealFields(
  s: Services,
  p: Principal,
  id: string,
  body: { fields: string[]; reason: string },
  requestId: string,
): Promise<Record<string, string>> {
  const row = await getApproval(s, p, id, 'read');
  authorize(p, 'approvals', 'reveal', { orgPath: row.orgPath }, 'Application', id);
  const [item] = await s.db.select().from(approvalItems).where(eq(approvalItems.id, row.itemId));
  const allowed = new Set(
    p.grants.filter((g) => row.orgPath.startsWith(g.orgPath)).flatMap((g) => REVEALABLE[g.role] ?? []),
  );
  const problems: string[] = [];
  for (const key of body.fields) {
    const field = item!.formFields.find((f) => f.key === key);
    if (!field || (field.type !== 'idNumber' && field.type !== 'phone'))
      problems.push(`${key} is not a personal field of this item`);
  }
  if (problems.length) throw badRequest(problems.join('; '));
  const refused = body.fields.filter((key) => {
    const type = item!.formFields.find((f) => f.key === key)!.type as 'idNumber' | 'phone';
    return !allowed.has(type);
  });
  if (refused.length) throw forbidden(`Your role may not reveal ${refused.join(', ')}`);
  await writeAudit(s.db, {
    actorUserId: p.userId,
    action: 'reveal',
    targetType: 'approval',
    targetId: row.id,
    fields: body.fields,
    reason: body.reason,
    requestId,
    orgPath: row.orgPath,
  });
  const values: Record<string, string> = {};
  for (const key of body.fields) {
    const sealed = row.formSealed[key];
    if (sealed) values[key] = s.vault.decrypt(sealed);
  }
  return values;
}

/** instance status by id (cancelled cases show as such) */
export async function instanceStatuses(db: DbOrTx, ids: string[]) {
  if (!ids.length) return new Map<string, { status: string; version: number }>();
  const rows = await db
    .select({ id: wfInstances.id, status: wfInstances.status, version: wfInstances.definitionVersion })
    .from(wfInstances)
    .where(inArray(wfInstances.id, ids));
  return new Map(rows.map((r) => [r.id, { status: r.status, version: r.version }]));
}
