// Fan-out of push messages. Producers (committed workflow steps, task routes, the notification dispatcher)
// publish with an audience; the WebSocket hub delivers to whichever connected user is in it. With several
// server processes a `Remote` (notify/fanout.ts: PostgreSQL LISTEN/NOTIFY) carries each message to the others;
// every process delivers its own publications locally at once and skips their echo.
import { randomUUID } from 'node:crypto';
import type { AlertPush, NotifyPush, PushMessage } from '@linli/contracts';
import type { StepWrite, TaskRow } from '@linli/workflows';
import { PERMISSIONS, ROLE_NAMES, type Role } from '../policy/permissions.js';

/** What the hub sends: the workflow pushes, the notification pushes and live device alerts. */
export type HubMessage = PushMessage | NotifyPush | AlertPush;

export interface Envelope {
  origin: string;
  message: HubMessage;
  to: Audience;
}

/** Carries publications to the other server processes. */
export interface Remote {
  publish(envelope: Envelope): void;
}

export interface Audience {
  /** user ids */
  users: (string | null)[];
  /** members of these candidate groups whose grant covers the org path */
  groups?: { names: string[]; orgPath: string | null };
}

export type PushListener = (message: HubMessage, to: Audience) => void;

export class PushBus {
  private readonly listeners = new Set<PushListener>();
  private readonly resyncs = new Set<() => void>();
  /** this process, so that its own publications coming back from the remote are skipped */
  readonly origin = randomUUID();
  private remote: Remote | undefined;

  subscribe(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when messages from other processes may have been missed (the remote reconnected). */
  onResync(listener: () => void): () => void {
    this.resyncs.add(listener);
    return () => this.resyncs.delete(listener);
  }

  setRemote(remote: Remote | undefined): void {
    this.remote = remote;
  }

  publish(message: HubMessage, to: Audience): void {
    this.deliver(message, to);
    this.remote?.publish({ origin: this.origin, message, to });
  }

  /** From the remote: an envelope another process published. */
  receive(envelope: Envelope): void {
    if (envelope.origin !== this.origin) this.deliver(envelope.message, envelope.to);
  }

  resync(): void {
    for (const listener of this.resyncs) listener();
  }

  private deliver(message: HubMessage, to: Audience): void {
    // a push is a courtesy on top of the stored state: a failing listener must not fail the step
    for (const listener of this.listeners) {
      try {
        listener(message, to);
      } catch {
        /* the listener logs its own failures */
      }
    }
  }
}

/**
 * The roles that oversee every case and task of their area (the permission table's `tasks` supervise: the
 * community, street and district admins). They hear every case and task push at or below their grant's unit, so
 * the console's 流程监控, 案件详情 and 督办 follow without a reload. Read once from the table: the hub matches
 * them per socket in memory (`groupsAt`, a grant at a parent unit covers a case at a child unit), so the step's
 * hot path gains no query. The messages carry ids, names of steps and states only, no personal data.
 */
export const OVERSEERS: readonly Role[] = ROLE_NAMES.filter(
  (r) => PERMISSIONS[r].tasks?.supervise === 'subtree',
);

/** The overseers of a case or task at this org path, plus whichever candidate groups are named. */
function overseers(orgPath: string | null, candidateGroups: string[] = []): NonNullable<Audience['groups']> {
  const extra = candidateGroups.filter((g) => !(OVERSEERS as string[]).includes(g));
  return { names: [...OVERSEERS, ...extra], orgPath };
}

/**
 * What a committed step tells people: new tasks to whoever may take them, the case to who started it, and
 * both to the admins overseeing the case's area.
 */
export function publishStep(bus: PushBus, write: StepWrite): void {
  const i = write.instance;
  for (const t of write.createTasks) {
    bus.publish(
      {
        type: 'task.created',
        taskId: t.id,
        instanceId: i.id,
        processId: i.processId,
        name: t.name,
        dueAt: t.dueAt?.toISOString() ?? null,
      },
      // an assigned task is nobody else's to claim (its area's admins watch it all the same)
      t.assignee
        ? { users: [t.assignee], groups: overseers(t.orgPath) }
        : { users: t.candidateUsers, groups: overseers(t.orgPath, t.candidateGroups) },
    );
  }
  bus.publish(
    {
      type: 'instance.updated',
      instanceId: i.id,
      processId: i.processId,
      businessKey: i.businessKey,
      status: i.status,
    },
    { users: [i.initiator], groups: overseers(i.orgPath) },
  );
}

/** A task changed hands (claim, transfer, delegate, resolve, unclaim): both holders and the area's admins hear it. */
export function publishTaskUpdate(bus: PushBus, task: TaskRow, previousHolder: string | null): void {
  const unclaimed = task.assignee === null;
  bus.publish(
    {
      type: 'task.updated',
      taskId: task.id,
      instanceId: task.instanceId,
      processId: task.processId,
      status: task.status,
      assignee: task.assignee,
    },
    {
      users: [task.assignee, previousHolder, ...(unclaimed ? task.candidateUsers : [])],
      // a task given back to its candidates is news to all of them
      groups: overseers(task.orgPath, unclaimed ? task.candidateGroups : []),
    },
  );
}
