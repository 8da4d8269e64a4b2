// The workflow API: process definitions (BPMN diagrams and their versions), instances (a resident's case, a
// staff member's application) and tasks (the inbox), with the operations Chinese approval systems expect.
import { z } from 'zod';
import { RoleName } from './auth.js';
import { Id, Paging } from './common.js';

const Text = (max: number) => z.string().trim().min(1, 'is required').max(max);
/** process variables: a JSON object the diagram's expressions read */
const Variables = z.record(z.string().min(1).max(100), z.unknown());

// ---------------------------------------------------------------- definitions

export const Definition = z.object({
  id: Id,
  processId: z.string(),
  version: z.number().int(),
  name: z.string().nullable(),
  /** sha256 of the normalised XML: an identical upload is the same version */
  hash: z.string(),
  deployedAt: z.string(),
  deployedBy: Id.nullable(),
});
export type Definition = z.infer<typeof Definition>;

/** One reason a diagram cannot be deployed, named by the element it is about where there is one. */
export const DeployProblem = z.object({
  elementId: z.string().optional(),
  /** stable rule id: `xml`, `bpmnlint/label-required`, `service-task-handler` … */
  rule: z.string(),
  message: z.string(),
});
export type DeployProblem = z.infer<typeof DeployProblem>;

/** `details` of a 422 `invalid_definition`: every problem at once. */
export const DeployRejection = z.object({ problems: z.array(DeployProblem) });

export const DeployResult = z.object({
  definition: Definition,
  /** false when the same XML was deployed before: no new version */
  created: z.boolean(),
});

export const DefinitionQuery = z.strictObject({
  ...Paging,
  /** every version of this process, newest first; without it, the latest version of every process */
  processId: z.string().trim().min(1).max(200).optional(),
});

export const DiffQuery = z.strictObject({ with: Id });

export const ElementSummary = z.object({ id: z.string(), type: z.string(), name: z.string().optional() });
export const FieldChange = z.object({
  field: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
});

/** What changed from `from` to `to`, element by element (matched by id). */
export const DefinitionDiff = z.object({
  from: Definition,
  to: Definition,
  added: z.array(ElementSummary),
  removed: z.array(ElementSummary),
  changed: z.array(z.object({ id: z.string(), type: z.string(), changes: z.array(FieldChange) })),
});

/** A service-task handler the runtime has registered: what a diagram names as `camunda:topic`. */
export const ServiceHandlerInfo = z.object({
  /** the topic, e.g. `repair.autoDispatch` */
  name: z.string(),
  /** what it does, zh-CN, for the flow editor's picker */
  description: z.string(),
  /** the process it belongs to, zh-CN (通用 for the shared ones) */
  group: z.string(),
  /** the input parameters it reads, if any */
  inputs: z.array(z.string()),
});
export type ServiceHandlerInfo = z.infer<typeof ServiceHandlerInfo>;
export const ServiceHandlerList = z.object({ items: z.array(ServiceHandlerInfo) });
export type ServiceHandlerList = z.infer<typeof ServiceHandlerList>;

// ---------------------------------------------------------------- tasks

export const TaskStatus = z.enum(['open', 'completed', 'cancelled']);

/**
 * One field a step asks for (a user task's form, `camunda:formData` in the diagram the admin edits, so it is
 * versioned with the flow). `type`: Camunda 7's built-in form field types.
 */
export const TaskFormField = z.object({
  id: z.string(),
  label: z.string().nullable(),
  type: z.enum(['string', 'long', 'boolean', 'date', 'enum']),
  /** as modelled (text): "4", "true", "normal" */
  defaultValue: z.string().nullable(),
  /** enum fields: the choices */
  values: z.array(z.object({ id: z.string(), name: z.string() })),
  required: z.boolean(),
  readonly: z.boolean(),
  /** string fields: length limits; long fields: value limits (null: none) */
  minLength: z.number().int().nullable(),
  maxLength: z.number().int().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
export type TaskFormField = z.infer<typeof TaskFormField>;

export const Task = z.object({
  id: Id,
  instanceId: Id,
  processId: z.string(),
  activityId: z.string(),
  name: z.string().nullable(),
  assignee: z.string().nullable(),
  /** who delegated the task (委派) and gets it back */
  owner: z.string().nullable(),
  delegationState: z.enum(['pending', 'resolved']).nullable(),
  candidateUsers: z.array(z.string()),
  candidateGroups: z.array(z.string()),
  dueAt: z.string().nullable(),
  followUpAt: z.string().nullable(),
  priority: z.number().int(),
  formKey: z.string().nullable(),
  status: TaskStatus,
  outcome: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  completedBy: z.string().nullable(),
  /** the step's form (GET /tasks/:id only): what completing it must give as variables; [] when it has none */
  form: z.array(TaskFormField).optional(),
});
export type Task = z.infer<typeof Task>;

export const TaskView = z.enum(['assigned', 'candidate', 'cc', 'done', 'all']);

export const TaskQuery = z.strictObject({
  ...Paging,
  /** assigned: mine to do; candidate: mine to claim; cc: copied to me; done: completed by me; all: every task
   * in a supervisor's area */
  view: TaskView.default('assigned'),
  processId: z.string().trim().min(1).max(200).optional(),
  instanceId: Id.optional(),
  /** default: open, except for `done` */
  status: TaskStatus.optional(),
  /** 督办: open tasks past their due time (`overdue`) or due within 24 hours (`soon`), earliest due first */
  due: z.enum(['overdue', 'soon']).optional(),
});

export const CompleteTask = z.strictObject({
  variables: Variables.optional(),
  /** the decision (`accept`, `reject` …) that gateways may read as the variable `outcome` */
  outcome: z.string().trim().min(1).max(50).optional(),
  comment: z.string().trim().max(2000).optional(),
});
/** Someone a task may be handed or copied to (转办, 委派, 抄送): staff who work on tasks where its case is.
 * Never their phone or ID number. */
export const TaskReceiver = z.object({
  id: Id,
  displayName: z.string(),
  /** their roles that work tasks where the case is (`grid_worker`, `property_staff` …) */
  roles: z.array(RoleName),
  /** the org unit of their nearest such grant (第一网格, 凤凰社区 …) */
  orgUnitName: z.string(),
});
export type TaskReceiver = z.infer<typeof TaskReceiver>;

/** An earlier step of the case a task may be sent back to (退回): a user task the case completed. */
export const ReturnTarget = z.object({
  activityId: z.string(),
  name: z.string().nullable(),
  /** who completed it last, and when */
  completedBy: Id.nullable(),
  completedByName: z.string().nullable(),
  completedAt: z.string().nullable(),
});
export type ReturnTarget = z.infer<typeof ReturnTarget>;

/** 转办: hand the task to someone else for good. */
export const Transfer = z.strictObject({ to: Id, reason: z.string().trim().max(500).optional() });
/** 委派: ask someone to do the work; it comes back to the current holder. */
export const Delegate = z.strictObject({ to: Id, note: z.string().trim().max(500).optional() });
export const Resolve = z.strictObject({
  comment: z.string().trim().max(2000).optional(),
  variables: Variables.optional(),
});
/** 退回: send the case back to an earlier step. */
export const ReturnTask = z.strictObject({ activityId: Text(200), reason: Text(500) });
/** 撤回: take back a step you completed, while the next one has not started. */
export const Withdraw = z.strictObject({ reason: z.string().trim().max(500).optional() });
/** 催办 */
export const Urge = z.strictObject({ message: z.string().trim().max(500).optional() });
export const Comment = z.strictObject({ text: Text(2000) });
/** 抄送: let others read the task and its case. */
export const CarbonCopy = z.strictObject({
  users: z.array(Id).min(1).max(20),
  note: z.string().trim().max(500).optional(),
});
export const Attachment = z.strictObject({
  name: Text(200),
  url: z.httpUrl({ message: 'must be an http(s) URL' }).max(2000),
  contentType: z.string().trim().max(100).optional(),
  size: z.number().int().min(0).optional(),
});

export const TaskEvent = z.object({
  id: Id,
  taskId: Id.nullable(),
  kind: z.enum([
    'comment',
    'urge',
    'cc',
    'attachment',
    'transfer',
    'delegate',
    'resolve',
    'claim',
    'unclaim',
    'return',
    'withdraw',
  ]),
  actor: z.string(),
  targetUser: z.string().nullable(),
  body: z.record(z.string(), z.unknown()),
  at: z.string(),
});
export type TaskEvent = z.infer<typeof TaskEvent>;

// ---------------------------------------------------------------- instances

export const InstanceStatus = z.enum(['running', 'completed', 'cancelled']);

export const Instance = z.object({
  id: Id,
  processId: z.string(),
  definitionVersion: z.number().int(),
  businessKey: z.string().nullable(),
  status: InstanceStatus,
  /** user id of who started it */
  initiator: z.string().nullable(),
  /** only for staff whose scope covers the case */
  variables: z.record(z.string(), z.unknown()).optional(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
});
export type Instance = z.infer<typeof Instance>;

export const InstanceDetail = Instance.extend({ openTasks: z.array(Task) });
export type InstanceDetail = z.infer<typeof InstanceDetail>;

export const InstanceQuery = z.strictObject({
  ...Paging,
  processId: z.string().trim().min(1).max(200).optional(),
  /** the version the cases run (with processId) */
  version: z.coerce.number().int().min(1).optional(),
  status: InstanceStatus.optional(),
  businessKey: z.string().trim().min(1).max(200).optional(),
  /** cases of this org unit and the units below it */
  orgUnitId: Id.optional(),
  /** `true`: only cases with an open step past its due time */
  overdue: z.enum(['true']).optional(),
});

export const StartInstance = z.strictObject({
  processId: Text(200),
  /** default: the latest version */
  version: z.number().int().min(1).optional(),
  businessKey: z.string().trim().min(1).max(200).optional(),
  variables: Variables.optional(),
  /** the org unit the case belongs to, within the starter's scope; a resident's case belongs to their home */
  orgUnitId: Id.optional(),
});

export const CancelInstance = z.strictObject({ reason: Text(500) });

export const HistoryEntry = z.object({
  at: z.string(),
  kind: z.string(),
  activityId: z.string().nullable(),
  actor: z.string().nullable(),
  /** only for staff whose scope covers the case (it may hold variables) */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const InstanceHistory = z.object({ history: z.array(HistoryEntry), events: z.array(TaskEvent) });

// ---------------------------------------------------------------- incidents

/** A service task that failed on every attempt and waits for an admin's retry. */
export const Incident = z.object({
  id: Id,
  instanceId: Id,
  processId: z.string(),
  activityId: z.string(),
  handler: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  status: z.enum(['pending', 'incident', 'done']),
  lastError: z.string().nullable(),
  dueAt: z.string(),
});
export type Incident = z.infer<typeof Incident>;

export const IncidentQuery = z.strictObject({
  ...Paging,
  processId: z.string().trim().min(1).max(200).optional(),
});

// ---------------------------------------------------------------- WebSocket pushes (`/ws`)

/** What the server pushes to a signed-in client: a task it may act on, a case it started, or — to the admins of the area — any case or task there, changed. */
export const PushMessage = z.discriminatedUnion('type', [
  /** sent once the socket is signed in: pushes for this user start now */
  z.object({ type: z.literal('ready'), userId: Id }),
  z.object({
    type: z.literal('task.created'),
    taskId: Id,
    instanceId: Id,
    processId: z.string(),
    name: z.string().nullable(),
    dueAt: z.string().nullable(),
  }),
  z.object({
    type: z.literal('task.updated'),
    taskId: Id,
    instanceId: Id,
    processId: z.string(),
    status: TaskStatus,
    assignee: z.string().nullable(),
  }),
  z.object({
    type: z.literal('instance.updated'),
    instanceId: Id,
    processId: z.string(),
    businessKey: z.string().nullable(),
    status: InstanceStatus,
  }),
]);
export type PushMessage = z.infer<typeof PushMessage>;
