// A case's timeline: the runtime's history (started, steps completed with outcome and comment, returned,
// timers fired, ended), the task events (comments, attachments, handovers, urges, copies) and the process's
// own domain events (recordCaseEvent), merged in time order with people's names and the diagram's step names.
import { eq, inArray } from 'drizzle-orm';
import { parseDefinition } from '@linli/workflows';
import type { TimelineEntry } from '@linli/contracts';
import type { DbOrTx } from '../db/client.js';
import { users, wfDefinitions, wfInstances, wfTaskEvents } from '../db/schema.js';
import type { Services } from '../services.js';

/** History kinds that say nothing a person needs to read (a step's start shows as its task being created). */
const QUIET = new Set(['timer.stale', 'job.failed', 'activity.start']);

interface StepInfo {
  names: Map<string, string>;
  /** service tasks: their end says what the system did (dispatched, credited …) */
  services: Set<string>;
}

const stepInfo = new Map<string, Promise<StepInfo>>();

function stepsOf(db: DbOrTx, definitionId: string): Promise<StepInfo> {
  let info = stepInfo.get(definitionId);
  if (!info) {
    info = (async () => {
      const [def] = await db
        .select({ xml: wfDefinitions.xml })
        .from(wfDefinitions)
        .where(eq(wfDefinitions.id, definitionId));
      const parsed = await parseDefinition(def!.xml);
      return {
        names: new Map(parsed.elements.filter((e) => e.name).map((e) => [e.id, e.name!])),
        services: new Set(parsed.elements.filter((e) => e.type === 'bpmn:ServiceTask').map((e) => e.id)),
      };
    })();
    info.catch(() => stepInfo.delete(definitionId));
    stepInfo.set(definitionId, info);
  }
  return info;
}

/**
 * Records something a process did outside the engine (a repair dispatched, points credited, an agreement
 * signed) on the case's timeline. `body.comment` and `body.fileIds` show as the entry's comment and files.
 * `actor` is a user id, or 'system'. `opensCase`: the entry is how the case began (registered, reported):
 * it is written just after the process started, but shows before what the start did at the same moment.
 */
export async function recordCaseEvent(
  db: DbOrTx,
  e: {
    instanceId: string;
    kind: string;
    actor: string;
    body?: Record<string, unknown>;
    at?: Date;
    opensCase?: boolean;
  },
): Promise<void> {
  await db.insert(wfTaskEvents).values({
    taskId: null,
    instanceId: e.instanceId,
    kind: e.kind,
    actor: e.actor,
    body: { ...(e.body ?? {}), ...(e.opensCase ? { [OPENS_CASE]: true } : {}) },
    ...(e.at ? { at: e.at } : {}),
  });
}

const OPENS_CASE = 'opensCase';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const ids = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** The timeline of one case; the caller has already checked that the reader may read the case. */
export async function caseTimeline(s: Services, instanceId: string): Promise<TimelineEntry[]> {
  const [instance] = await s.db
    .select({ definitionId: wfInstances.definitionId })
    .from(wfInstances)
    .where(eq(wfInstances.id, instanceId));
  if (!instance) return [];
  const [history, events, steps] = await Promise.all([
    s.workflow.store.history(instanceId),
    s.workflow.store.taskEvents(instanceId),
    stepsOf(s.db, instance.definitionId),
  ]);
  const names = steps.names;
  const taskActivity = new Map<string, string>();
  const openTasks = await s.workflow.store.queryTasks({ instanceId, limit: 500, offset: 0 });
  for (const t of openTasks.items) taskActivity.set(t.id, t.activityId);

  type Raw = Omit<TimelineEntry, 'actor' | 'activityName'> & { actorId: string | null; order: number };
  const raw: Raw[] = [];
  for (const h of history) {
    if (QUIET.has(h.kind)) continue;
    // the end of a user task shows as task.completed, of an event as what it caused; a service task's end
    // is the system's work and stays
    if (h.kind === 'activity.end' && !(h.activityId && steps.services.has(h.activityId))) continue;
    const data = { ...(h.data ?? {}) } as Record<string, unknown>;
    const outcome = str(data.outcome);
    const comment = str(data.comment);
    // variables may hold personal data: the timeline says what was decided, not what was entered
    delete data.variables;
    delete data.outcome;
    delete data.comment;
    raw.push({
      at: h.at.toISOString(),
      kind: h.kind,
      activityId: h.activityId ?? null,
      actorId: h.actor ?? null,
      outcome,
      comment,
      fileIds: [],
      data,
      order: 0,
    });
  }
  for (const e of events) {
    const body = { ...(e.body ?? {}) } as Record<string, unknown>;
    const comment = str(body.comment) ?? str(body.text) ?? str(body.note) ?? str(body.reason);
    const fileIds = ids(body.fileIds);
    const opensCase = body[OPENS_CASE] === true;
    delete body.comment;
    delete body.fileIds;
    delete body[OPENS_CASE];
    raw.push({
      at: e.at.toISOString(),
      kind: e.kind,
      activityId: (e.taskId && taskActivity.get(e.taskId)) || str(body.activityId),
      actorId: e.actor === 'system' ? null : e.actor,
      outcome: str(body.outcome),
      comment,
      fileIds,
      data: { ...body, ...(e.targetUser ? { targetUser: e.targetUser } : {}) },
      order: opensCase ? -1 : 1,
    });
  }
  // completing with a comment also records it as a comment on the task: show it once, on the completion
  const said = new Set(
    raw
      .filter((r) => r.kind === 'task.completed' && r.comment)
      .map((r) => `${r.actorId}|${r.activityId}|${r.comment}`),
  );
  const shown = raw.filter(
    (r) => !(r.kind === 'comment' && said.has(`${r.actorId}|${r.activityId}|${r.comment}`)),
  );
  shown.sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order);

  const people = [
    ...new Set(
      shown.flatMap((r) => [r.actorId, str(r.data.targetUser)]).filter((x): x is string => !!x && isUuid(x)),
    ),
  ];
  const nameOf = new Map<string, string>();
  if (people.length) {
    const rows = await s.db
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(inArray(users.id, people));
    for (const r of rows) nameOf.set(r.id, r.name);
  }
  return shown.map(({ actorId, order: _order, ...r }) => ({
    ...r,
    activityName: r.activityId ? (names.get(r.activityId) ?? null) : null,
    actor: actorId ? { id: actorId, name: nameOf.get(actorId) ?? '系统' } : null,
    ...(str(r.data.targetUser) && nameOf.has(str(r.data.targetUser)!)
      ? { data: { ...r.data, targetUserName: nameOf.get(str(r.data.targetUser)!) } }
      : {}),
  }));
}

const isUuid = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
