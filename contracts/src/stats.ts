// 辅助决策: the figures of the admin console's dashboard, computed by the server over the admin's area.
import { z } from 'zod';

export const DashboardQuery = z.strictObject({
  /** how many days back, today included (China time) */
  days: z.coerce.number().int().min(1).max(92).default(14),
});
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const ProcessStats = z.object({
  processId: z.string(),
  /** the latest version's name */
  name: z.string(),
  running: z.number().int(),
  completed: z.number().int(),
  cancelled: z.number().int(),
  /** cases started / ended per day of `days` */
  opened: z.array(z.number().int()),
  closed: z.array(z.number().int()),
  /** tasks with a due time completed in the window, and how many of them on time */
  tasksDue: z.number().int(),
  tasksOnTime: z.number().int(),
  /** open tasks past their due time now */
  overdueOpen: z.number().int(),
});
export type ProcessStats = z.infer<typeof ProcessStats>;

export const StepStats = z.object({
  processId: z.string(),
  processName: z.string(),
  activityId: z.string(),
  name: z.string(),
  /** tasks of this step completed in the window */
  done: z.number().int(),
  /** from the task's creation to its completion, in minutes */
  avgMinutes: z.number(),
  maxMinutes: z.number(),
});
export type StepStats = z.infer<typeof StepStats>;

export const SatisfactionStats = z.object({
  kind: z.enum(['repair', 'approval', 'event']),
  /** ratings given in the window, and their average (1–5; null without ratings) */
  rated: z.number().int(),
  average: z.number().nullable(),
  /** how many of them were 4 or 5 stars */
  satisfied: z.number().int(),
});
export type SatisfactionStats = z.infer<typeof SatisfactionStats>;

export const DashboardStats = z.object({
  /** the days of the window, oldest first (YYYY-MM-DD, China time) */
  days: z.array(z.string()),
  processes: z.array(ProcessStats),
  /** where time is lost: the steps with the longest average handling time in the window (at most 10) */
  slowSteps: z.array(StepStats),
  satisfaction: z.array(SatisfactionStats),
  alerts: z.object({
    /** open, acknowledged or being verified */
    open: z.number().int(),
    byType: z.array(z.object({ type: z.string(), name: z.string(), count: z.number().int() })),
    byGrid: z.array(
      z.object({ orgUnitId: z.string().nullable(), name: z.string(), count: z.number().int() }),
    ),
    /** raised in the window */
    raised: z.number().int(),
  }),
  devices: z.object({ total: z.number().int(), online: z.number().int() }),
  volunteer: z.object({
    /** approved volunteers */
    volunteers: z.number().int(),
    /** confirmed service hours in the window */
    hours: z.number(),
    /** service points credited in the window */
    points: z.number().int(),
  }),
});
export type DashboardStats = z.infer<typeof DashboardStats>;
