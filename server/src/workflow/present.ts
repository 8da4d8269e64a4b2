// How workflow rows read over the API. Variables and history data may hold what a resident wrote and what
// staff decided about it, so they are shown only to staff whose scope covers the case.
import type {
  Definition,
  HistoryEntry,
  Incident,
  Instance,
  Task,
  TaskEvent as TaskEventView,
  TaskFormField,
} from '@linli/contracts';
import type { DefinitionRow, FormFieldInfo, InstanceRow, JobRow, TaskEvent, TaskRow } from '@linli/workflows';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentDefinition(d: Omit<DefinitionRow, 'xml'>): Definition {
  return {
    id: d.id,
    processId: d.processId,
    version: d.version,
    name: d.name,
    hash: d.hash,
    deployedAt: d.deployedAt.toISOString(),
    deployedBy: d.deployedBy,
  };
}

export function presentInstance(i: InstanceRow, staff: boolean): Instance {
  return {
    id: i.id,
    processId: i.processId,
    definitionVersion: i.definitionVersion,
    businessKey: i.businessKey,
    status: i.status,
    initiator: i.initiator,
    ...(staff ? { variables: i.variables } : {}),
    startedAt: i.startedAt.toISOString(),
    endedAt: iso(i.endedAt),
    endReason: i.endReason,
  };
}

export function presentTask(t: TaskRow): Task {
  return {
    id: t.id,
    instanceId: t.instanceId,
    processId: t.processId,
    activityId: t.activityId,
    name: t.name,
    assignee: t.assignee,
    owner: t.owner,
    delegationState: t.delegationState,
    candidateUsers: t.candidateUsers,
    candidateGroups: t.candidateGroups,
    dueAt: iso(t.dueAt),
    followUpAt: iso(t.followUpAt),
    priority: t.priority,
    formKey: t.formKey,
    status: t.status,
    outcome: t.outcome,
    createdAt: t.createdAt.toISOString(),
    completedAt: iso(t.completedAt),
    completedBy: t.completedBy,
  };
}

export function presentHistory(
  h: {
    at: Date;
    kind: string;
    activityId?: string | null;
    actor?: string | null;
    data?: Record<string, unknown>;
  },
  staff: boolean,
): HistoryEntry {
  return {
    at: h.at.toISOString(),
    kind: h.kind,
    activityId: h.activityId ?? null,
    actor: h.actor ?? null,
    ...(staff ? { data: h.data ?? {} } : {}),
  };
}

export function presentTaskEvent(e: Required<TaskEvent>, staff: boolean): TaskEventView {
  // what a delegate handed back may carry variables: staff only, like the case's variables
  const { variables: _variables, ...visible } = e.body;
  return {
    id: e.id,
    taskId: e.taskId,
    kind: e.kind,
    actor: e.actor,
    targetUser: e.targetUser,
    body: staff ? e.body : visible,
    at: e.at.toISOString(),
  };
}

export function presentIncident(j: JobRow, processId: string): Incident {
  return {
    id: j.id,
    instanceId: j.instanceId,
    processId,
    activityId: j.activityId,
    handler: j.handler,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    status: j.status,
    lastError: j.lastError,
    dueAt: j.dueAt.toISOString(),
  };
}

/** A step's form as clients render it: the constraints become plain flags and limits. */
export function presentForm(fields: readonly FormFieldInfo[]): TaskFormField[] {
  return fields.map((f) => {
    const config = (name: string) => {
      const text = f.constraints.find((c) => c.name === name)?.config;
      return text === undefined ? null : Number(text);
    };
    return {
      id: f.id,
      label: f.label ?? null,
      // validation refused other types at deploy
      type: f.type as TaskFormField['type'],
      defaultValue: f.defaultValue ?? null,
      values: f.values ?? [],
      required: f.constraints.some((c) => c.name === 'required'),
      readonly: f.constraints.some((c) => c.name === 'readonly'),
      minLength: config('minlength'),
      maxLength: config('maxlength'),
      min: config('min'),
      max: config('max'),
    };
  });
}
