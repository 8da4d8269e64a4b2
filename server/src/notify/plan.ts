// From an outbox row to who is told what, and over which channels.
//   task.created → the assignee; else the candidate users and the members of the candidate groups whose grant
//                  covers the task's org path (policy/workflow.ts: roles that work tasks in a subtree); a group
//                  task also goes to the grid's WeCom robot when the grid has one
//   task.event   → 催办 (urge: the holder, or the candidates of a group task), 抄送, 转办, 委派 and its hand-back:
//                  the person the event names (never the one who did it)
//   notice       → the listed recipients (server/src/processes/shared/notify.ts)
//   anything else (instance.completed …) is not a notification: the processes send their own final notices.
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { orgUnits, roleAssignments, users } from '../db/schema.js';
import { PERMISSIONS, type Role } from '../policy/permissions.js';
import type { Config } from '../env.js';
import { notifyPreferences, notifyRobots } from './schema.js';
import { matchesAny, renderPage, renderWechatData, templateFor, type Templates } from './templates.js';
import { afterQuietHours, chinaDateTime } from './time.js';

export type Channel = 'wechat' | 'wecom' | 'sms';
export const CHANNELS: Channel[] = ['wechat', 'wecom', 'sms'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Notice {
  dedupKey: string;
  template: string;
  urgency: 'normal' | 'urgent';
  title: string;
  body: string;
  link: string | null;
  instanceId: string | null;
  taskId: string | null;
  orgPath: string | null;
  dueAt: string | null;
  data: Record<string, unknown>;
  recipients: string[];
  /** a task offered to a group: also tell the work group of its grid */
  groupTask: boolean;
}

export interface Recipient {
  id: string;
  displayName: string;
  openid: string | null;
  hasPhone: boolean;
  staff: boolean;
  normal: Channel[];
  urgent: Channel[];
  quietStart: string;
  quietEnd: string;
  wecomUserId: string | null;
  supervisorId: string | null;
}

export interface Usable {
  wechat: boolean;
  wecom: boolean;
  sms: boolean;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
const WORKING_ROLES = (Object.keys(PERMISSIONS) as Role[]).filter(
  (r) => PERMISSIONS[r].tasks?.update === 'subtree',
);

const TASK_EVENT_TITLES: Record<string, string> = {
  urge: '催办',
  cc: '抄送给您',
  transfer: '转办给您',
  delegate: '委派给您',
  resolve: '委派已办结',
};

/** Members of candidate groups (role names) whose grant's subtree holds `orgPath`. */
export async function groupMembers(db: DbOrTx, groups: string[], orgPath: string | null): Promise<string[]> {
  const roles = groups.filter((g): g is Role => (WORKING_ROLES as string[]).includes(g));
  if (!roles.length || !orgPath) return [];
  const rows = await db
    .selectDistinct({ id: roleAssignments.userId })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        inArray(roleAssignments.role, roles),
        eq(users.status, 'active'),
        sql`left(${orgPath}, length(${orgUnits.path})) = ${orgUnits.path}`,
      ),
    );
  return rows.map((r) => r.id);
}

export async function noticeFrom(
  db: DbOrTx,
  config: Config,
  row: { kind: string; dedupKey: string; payload: Record<string, unknown> },
): Promise<Notice | null> {
  const p = row.payload;
  const urgentTemplate = (t: string) => matchesAny(t, config.notify.urgentTemplates);
  if (row.kind === 'task.created') {
    const assignee = str(p.assignee);
    const orgPath = str(p.orgPath);
    const recipients = assignee
      ? [assignee]
      : [
          ...new Set([
            ...strings(p.candidateUsers),
            ...(await groupMembers(db, strings(p.candidateGroups), orgPath)),
          ]),
        ];
    const dueAt = str(p.dueAt);
    const name = str(p.name) ?? str(p.processId) ?? '待办';
    return {
      dedupKey: row.dedupKey,
      template: 'task.created',
      urgency: urgentTemplate('task.created') ? 'urgent' : 'normal',
      title: `新待办：${name}`,
      body: dueAt ? `请于 ${chinaDateTime(new Date(dueAt))} 前办理` : '请及时办理',
      link: p.taskId ? `/pages/task/index?id=${String(p.taskId)}` : null,
      instanceId: str(p.instanceId),
      taskId: str(p.taskId),
      orgPath,
      dueAt,
      data: { processId: p.processId ?? null, name },
      recipients: recipients.filter((r) => UUID.test(r)),
      groupTask: !assignee && strings(p.candidateGroups).length > 0,
    };
  }
  if (row.kind === 'task.event') {
    // 催办 / 抄送 / 转办 / 委派 / 委派办结: the person it names, or for an urge of a group task its candidates
    const event = str(p.event) ?? '';
    const name = str(p.name) ?? str(p.processId) ?? '待办';
    const target = str(p.target);
    const orgPath = str(p.orgPath);
    const body = (p.body && typeof p.body === 'object' ? p.body : {}) as Record<string, unknown>;
    const recipients = target
      ? [target]
      : event === 'urge'
        ? [
            ...new Set([
              ...strings(p.candidateUsers),
              ...(await groupMembers(db, strings(p.candidateGroups), orgPath)),
            ]),
          ]
        : [];
    const what = TASK_EVENT_TITLES[event];
    if (!what || !recipients.length) return null;
    const note = str(body.message) ?? str(body.note) ?? str(body.reason) ?? str(body.comment);
    const dueAt = str(p.dueAt);
    const template = `task.${event}`;
    return {
      dedupKey: row.dedupKey,
      template,
      urgency: event === 'urge' || urgentTemplate(template) ? 'urgent' : 'normal',
      title: `${what}：${name}`,
      body: note ?? (dueAt ? `请于 ${chinaDateTime(new Date(dueAt))} 前办理` : '请及时办理'),
      link: p.taskId ? `/pages/task/index?id=${String(p.taskId)}` : null,
      instanceId: str(p.instanceId),
      taskId: str(p.taskId),
      orgPath,
      dueAt,
      data: { processId: p.processId ?? null, name, event },
      recipients: recipients.filter((r) => UUID.test(r) && r !== str(p.actor)),
      groupTask: false,
    };
  }
  if (row.kind === 'notice') {
    const data = (p.data && typeof p.data === 'object' ? p.data : {}) as Record<string, unknown>;
    const template = str(p.template) ?? 'case.update';
    const urgent = p.urgency === 'urgent' || data.urgency === 'urgent' || urgentTemplate(template);
    return {
      dedupKey: row.dedupKey,
      template,
      urgency: urgent ? 'urgent' : 'normal',
      title: str(p.title) ?? '通知',
      body: str(p.body) ?? '',
      link: str(p.link),
      instanceId: str(p.instanceId),
      taskId: str(data.taskId),
      orgPath: str(data.orgPath),
      dueAt: str(data.dueAt),
      data,
      recipients: [...new Set(strings(p.recipients))].filter((r) => UUID.test(r)),
      groupTask: false,
    };
  }
  return null;
}

/** Who the recipients are, what they can be reached by and what they prefer. */
export async function loadRecipients(
  db: DbOrTx,
  config: Config,
  ids: string[],
): Promise<Map<string, Recipient>> {
  const out = new Map<string, Recipient>();
  if (!ids.length) return out;
  const rows = await db
    .select({
      id: users.id,
      displayName: users.displayName,
      openid: users.wechatOpenid,
      phoneEnc: users.phoneEnc,
      status: users.status,
      normal: notifyPreferences.normal,
      urgent: notifyPreferences.urgent,
      quietStart: notifyPreferences.quietStart,
      quietEnd: notifyPreferences.quietEnd,
      wecomUserId: notifyPreferences.wecomUserId,
      supervisorId: notifyPreferences.supervisorId,
    })
    .from(users)
    .leftJoin(notifyPreferences, eq(notifyPreferences.userId, users.id))
    .where(inArray(users.id, ids));
  const staffRows = await db
    .selectDistinct({ id: roleAssignments.userId })
    .from(roleAssignments)
    .where(
      and(
        inArray(roleAssignments.userId, ids),
        sql`${roleAssignments.role} not in ('resident', 'volunteer')`,
      ),
    );
  const staff = new Set(staffRows.map((r) => r.id));
  const channels = (v: string[] | null): Channel[] | null =>
    v ? v.filter((c): c is Channel => (CHANNELS as string[]).includes(c)) : null;
  for (const r of rows) {
    if (r.status !== 'active') continue;
    const isStaff = staff.has(r.id);
    out.set(r.id, {
      id: r.id,
      displayName: r.displayName,
      openid: r.openid,
      hasPhone: Boolean(r.phoneEnc),
      staff: isStaff,
      // staff read their work chat first; residents live in WeChat
      normal: channels(r.normal) ?? (isStaff ? ['wecom', 'wechat'] : ['wechat']),
      urgent: channels(r.urgent) ?? (isStaff ? ['wecom', 'wechat', 'sms'] : ['wechat', 'sms']),
      quietStart: r.quietStart ?? config.notify.quietHours.start,
      quietEnd: r.quietEnd ?? config.notify.quietHours.end,
      wecomUserId: r.wecomUserId,
      supervisorId: r.supervisorId,
    });
  }
  return out;
}

export interface DeliveryPlan {
  dedupKey: string;
  target: string;
  channel: 'wechat' | 'wecom' | 'robot' | 'sms';
  userId: string | null;
  inboxId: string | null;
  template: string;
  urgency: 'normal' | 'urgent';
  message: Record<string, unknown>;
  status: 'pending';
  nextAt: Date;
}

/** The channels that can reach this person with this notice, in their order of preference. */
export function reachable(
  r: Recipient,
  n: Pick<Notice, 'template' | 'urgency'>,
  usable: Usable,
  templates: Templates,
): Channel[] {
  return (n.urgency === 'urgent' ? r.urgent : r.normal).filter((c) => {
    if (c === 'wechat')
      return usable.wechat && Boolean(r.openid && templateFor(templates, n.template)?.wechat);
    if (c === 'wecom') return usable.wecom && Boolean(r.wecomUserId);
    return usable.sms && r.hasPhone;
  });
}

/** One delivery of `n` to `r` over `channel` (step: its place in an urgent item's fallback chain). */
export function deliveryFor(
  n: Notice,
  r: Recipient,
  channel: Channel,
  ctx: { inboxId: string; step: number; now: Date; templates: Templates; createdAt: Date },
): DeliveryPlan {
  const view = {
    title: n.title,
    body: n.body,
    createdAt: ctx.createdAt,
    dueAt: n.dueAt,
    taskId: n.taskId,
    instanceId: n.instanceId,
    data: n.data,
  };
  const message: Record<string, unknown> = {
    title: n.title,
    body: n.body,
    link: n.link,
    step: ctx.step,
  };
  if (channel === 'wechat') {
    const t = templateFor(ctx.templates, n.template)!.wechat!;
    Object.assign(message, {
      openid: r.openid,
      templateId: t.templateId,
      page: renderPage(t.page, view) ?? n.link?.replace(/^\//, '') ?? undefined,
      data: renderWechatData(t.fields, view),
    });
  } else if (channel === 'wecom') {
    message.wecomUserId = r.wecomUserId;
    message.button = templateFor(ctx.templates, n.template)?.wecomButton ?? '查看详情';
  }
  // urgent items ignore quiet hours; the rest wait for the morning
  const nextAt = n.urgency === 'urgent' ? ctx.now : afterQuietHours(ctx.now, r.quietStart, r.quietEnd);
  return {
    dedupKey: n.dedupKey,
    target: r.id,
    channel,
    userId: r.id,
    inboxId: ctx.inboxId,
    template: n.template,
    urgency: n.urgency,
    message,
    status: 'pending',
    nextAt,
  };
}

/** The grid robot nearest above `orgPath` (the grid's own, else its community's), if any. */
export async function robotFor(
  db: DbOrTx,
  orgPath: string | null,
): Promise<{ orgUnitId: string } | undefined> {
  if (!orgPath) return undefined;
  const [row] = await db
    .select({ orgUnitId: notifyRobots.orgUnitId })
    .from(notifyRobots)
    .where(
      and(
        isNotNull(notifyRobots.webhookKey),
        sql`left(${orgPath}, length(${notifyRobots.orgPath})) = ${notifyRobots.orgPath}`,
      ),
    )
    .orderBy(sql`length(${notifyRobots.orgPath}) desc`)
    .limit(1);
  return row;
}

/** Who hears about an urgent item a person leaves unread: their named supervisor, else the nearest admins. */
export async function supervisorsOf(db: DbOrTx, r: Recipient, orgPath: string | null): Promise<string[]> {
  if (r.supervisorId) return [r.supervisorId];
  let path = orgPath;
  if (!path) {
    const [deepest] = await db
      .select({ path: orgUnits.path })
      .from(roleAssignments)
      .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
      .where(eq(roleAssignments.userId, r.id))
      .orderBy(sql`length(${orgUnits.path}) desc`)
      .limit(1);
    path = deepest?.path ?? null;
  }
  if (!path) return [];
  const admins = await db
    .select({ id: roleAssignments.userId, path: orgUnits.path })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(
      and(
        inArray(roleAssignments.role, ['community_admin', 'street_admin', 'district_admin']),
        sql`left(${path}, length(${orgUnits.path})) = ${orgUnits.path}`,
        sql`${roleAssignments.userId} <> ${r.id}`,
      ),
    );
  if (!admins.length) return [];
  const nearest = Math.max(...admins.map((a) => a.path.length));
  return [...new Set(admins.filter((a) => a.path.length === nearest).map((a) => a.id))];
}
