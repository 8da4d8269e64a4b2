// In-process fan-out of push messages. Producers (committed workflow steps, task routes) publish with an
// audience; the WebSocket hub delivers to whichever connected user is in it. Several server processes will
// need a shared channel (LISTEN/NOTIFY); the notification issue brings that and the durable inbox.
import type { PushMessage } from '@linli/contracts';
import type { StepWrite, TaskRow } from '@linli/workflows';

export interface Audience {
  /** user ids */
  users: (string | null)[];
  /** members of these candidate groups whose grant covers the org path */
  groups?: { names: string[]; orgPath: string | null };
}

export type PushListener = (message: PushMessage, to: Audience) => void;

export class PushBus {
  private readonly listeners = new Set<PushListener>();

  subscribe(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(message: PushMessage, to: Audience): void {
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

/** What a committed step tells people: new tasks to whoever may take them, and the case to who started it. */
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
      // an assigned task is nobody else's to claim
      t.assignee
        ? { users: [t.assignee] }
        : { users: t.candidateUsers, groups: { names: t.candidateGroups, orgPath: t.orgPath } },
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
    { users: [i.initiator] },
  );
}

/** A task changed hands (claim, transfer, delegate, resolve, unclaim): both holders hear it. */
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
      ...(unclaimed ? { groups: { names: task.candidateGroups, orgPath: task.orgPath } } : {}),
    },
  );
}
