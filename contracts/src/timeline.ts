// A case's timeline: who did what, when, with which comment and files. Residents, workers and admins all
// read the same shape; what each may open is decided by the case's own access rules.
import { z } from 'zod';
import { Id } from './common.js';

export const TimelineEntry = z.object({
  at: z.string(),
  /** what happened: instance.started, task.created, task.completed, task.returned, comment, attachment,
   * transfer, delegate, urge, cc, timer.fired, instance.completed, or a process's own kinds (repair.dispatched …) */
  kind: z.string(),
  /** the step (activity) it happened at, with its name from the diagram */
  activityId: z.string().nullable(),
  activityName: z.string().nullable(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** the decision taken at a step (approve, reject, …) */
  outcome: z.string().nullable(),
  comment: z.string().nullable(),
  fileIds: z.array(Id),
  /** anything else the entry carries (e.g. who a task was transferred to) */
  data: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const Timeline = z.object({ instanceId: Id, entries: z.array(TimelineEntry) });
export type Timeline = z.infer<typeof Timeline>;
