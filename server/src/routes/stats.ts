// 辅助决策: the dashboard's figures over the caller's area, computed in SQL (the console no longer pages through
// cases to count them): cases opened and closed per day per process, on-time completion of steps, where time is
// lost (the slowest steps), satisfaction from ratings, open alerts by type and grid, device online rate, and
// volunteer hours and points. Days are China days (UTC+8, no daylight saving).
import { sql, type SQL } from 'drizzle-orm';
import { DashboardStats, DashboardQuery } from '@linli/contracts';
import { orgUnits } from '../db/schema.js';
import { wfDefinitions, wfInstances, wfTasks } from '../db/workflow-schema.js';
import { alerts, devices } from '../alerts/schema.js';
import { typeName } from '../alerts/types.js';
import { approvals } from '../processes/approval/schema.js';
import { communityEvents } from '../processes/events/schema.js';
import { repairOrders } from '../processes/repair/schema.js';
import { pointsLedger, volunteerProfiles } from '../processes/volunteer/schema.js';
import { defineRoute, type RouteDef } from '../http/route.js';
import { requirePermission, scopeCondition } from '../policy/policy.js';
import type { Db } from '../db/client.js';

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** the China day of a timestamptz column, as YYYY-MM-DD */
const chinaDay = (column: SQL | unknown) =>
  sql<string>`to_char((${column} at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

/** The window: `days` China days up to today, and the instant the first one began. */
export function windowOf(now: Date, days: number): { days: string[]; from: Date } {
  const today = Math.floor((now.getTime() + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS;
  const list: string[] = [];
  for (let k = days - 1; k >= 0; k--) list.push(new Date(today - k * DAY_MS).toISOString().slice(0, 10));
  return { days: list, from: new Date(today - (days - 1) * DAY_MS - CHINA_OFFSET_MS) };
}

async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  // both drivers answer { rows }
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

const overview = defineRoute({
  method: 'get',
  path: '/stats/overview',
  summary:
    'Dashboard figures for your area: cases per day and process, on-time steps, slowest steps, satisfaction, alerts, devices, volunteering',
  tag: 'stats',
  auth: 'user',
  query: DashboardQuery,
  response: DashboardStats,
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'tasks', 'supervise');
    const now = s.now();
    const { days, from } = windowOf(now, query.days);
    const at = (column: unknown) => scopeCondition(scope, column as never);
    const db = s.db;

    const [names, states, opened, closed, due, overdue, steps] = await Promise.all([
      rows<{ process_id: string; name: string | null }>(
        db,
        sql`select distinct on (${wfDefinitions.processId}) ${wfDefinitions.processId} as process_id, ${wfDefinitions.name} as name
            from ${wfDefinitions} order by ${wfDefinitions.processId}, ${wfDefinitions.version} desc`,
      ),
      rows<{ process_id: string; status: string; n: string }>(
        db,
        sql`select ${wfInstances.processId} as process_id, ${wfInstances.status} as status, count(*) as n
            from ${wfInstances} where ${at(wfInstances.orgPath)} group by 1, 2`,
      ),
      rows<{ process_id: string; day: string; n: string }>(
        db,
        sql`select ${wfInstances.processId} as process_id, ${chinaDay(wfInstances.startedAt)} as day, count(*) as n
            from ${wfInstances} where ${at(wfInstances.orgPath)} and ${wfInstances.startedAt} >= ${from}
            group by 1, 2`,
      ),
      rows<{ process_id: string; day: string; n: string }>(
        db,
        sql`select ${wfInstances.processId} as process_id, ${chinaDay(wfInstances.endedAt)} as day, count(*) as n
            from ${wfInstances} where ${at(wfInstances.orgPath)} and ${wfInstances.endedAt} >= ${from}
            group by 1, 2`,
      ),
      rows<{ process_id: string; due: string; on_time: string }>(
        db,
        sql`select ${wfTasks.processId} as process_id, count(*) as due,
                   count(*) filter (where ${wfTasks.completedAt} <= ${wfTasks.dueAt}) as on_time
            from ${wfTasks}
            where ${at(wfTasks.orgPath)} and ${wfTasks.status} = 'completed' and ${wfTasks.dueAt} is not null
              and ${wfTasks.completedAt} >= ${from}
            group by 1`,
      ),
      rows<{ process_id: string; n: string }>(
        db,
        sql`select ${wfTasks.processId} as process_id, count(*) as n from ${wfTasks}
            where ${at(wfTasks.orgPath)} and ${wfTasks.status} = 'open' and ${wfTasks.dueAt} < ${now}
            group by 1`,
      ),
      rows<{
        process_id: string;
        activity_id: string;
        name: string | null;
        done: string;
        avg: string;
        max: string;
      }>(
        db,
        sql`select ${wfTasks.processId} as process_id, ${wfTasks.activityId} as activity_id, max(${wfTasks.name}) as name,
                   count(*) as done,
                   avg(extract(epoch from ${wfTasks.completedAt} - ${wfTasks.createdAt})) / 60 as avg,
                   max(extract(epoch from ${wfTasks.completedAt} - ${wfTasks.createdAt})) / 60 as max
            from ${wfTasks}
            where ${at(wfTasks.orgPath)} and ${wfTasks.status} = 'completed' and ${wfTasks.completedAt} >= ${from}
            group by 1, 2 order by 5 desc limit 10`,
      ),
    ]);

    const nameOf = new Map(names.map((n) => [n.process_id, n.name ?? n.process_id]));
    const dayIndex = new Map(days.map((d, i) => [d, i]));
    const processIds = [
      ...new Set([...states, ...opened, ...closed, ...due, ...overdue].map((r) => r.process_id)),
    ].sort();
    const processes = processIds.map((processId) => {
      const perDay = (list: { process_id: string; day: string; n: string }[]) => {
        const counts = days.map(() => 0);
        for (const r of list) {
          const i = dayIndex.get(r.day);
          if (r.process_id === processId && i !== undefined) counts[i] = num(r.n);
        }
        return counts;
      };
      const state = (status: string) =>
        num(states.find((r) => r.process_id === processId && r.status === status)?.n);
      const d = due.find((r) => r.process_id === processId);
      return {
        processId,
        name: nameOf.get(processId) ?? processId,
        running: state('running'),
        completed: state('completed'),
        cancelled: state('cancelled'),
        opened: perDay(opened),
        closed: perDay(closed),
        tasksDue: num(d?.due),
        tasksOnTime: num(d?.on_time),
        overdueOpen: num(overdue.find((r) => r.process_id === processId)?.n),
      };
    });

    const rating = (table: SQL, column: SQL, when: SQL, where: SQL) =>
      rows<{ rated: string; average: string | null; satisfied: string }>(
        db,
        sql`select count(*) as rated, avg(${column}) as average, count(*) filter (where ${column} >= 4) as satisfied
            from ${table} where ${where} and ${column} is not null and ${when} >= ${from}`,
      );
    const [repair, approval, event, alertTypes, alertGrids, raised, deviceCounts, volunteers, service] =
      await Promise.all([
        rating(
          sql`${repairOrders}`,
          sql`${repairOrders.rating}`,
          sql`coalesce(${repairOrders.confirmedAt}, ${repairOrders.closedAt})`,
          at(repairOrders.orgPath),
        ),
        rating(sql`${approvals}`, sql`${approvals.rating}`, sql`${approvals.ratedAt}`, at(approvals.orgPath)),
        rating(
          sql`${communityEvents}`,
          sql`${communityEvents.rating}`,
          sql`${communityEvents.closedAt}`,
          at(communityEvents.orgPath),
        ),
        rows<{ type: string; n: string }>(
          db,
          sql`select ${alerts.type} as type, count(*) as n from ${alerts}
              where ${at(alerts.orgPath)} and ${alerts.status} in ('open', 'acknowledged', 'verifying')
              group by 1 order by 2 desc, 1`,
        ),
        rows<{ grid_id: string | null; name: string | null; n: string }>(
          db,
          sql`select ${alerts.gridId} as grid_id, max(${orgUnits.name}) as name, count(*) as n
              from ${alerts} left join ${orgUnits} on ${orgUnits.id} = ${alerts.gridId}
              where ${at(alerts.orgPath)} and ${alerts.status} in ('open', 'acknowledged', 'verifying')
              group by 1 order by 3 desc, 2`,
        ),
        rows<{ n: string }>(
          db,
          sql`select count(*) as n from ${alerts} where ${at(alerts.orgPath)} and ${alerts.createdAt} >= ${from}`,
        ),
        rows<{ total: string; online: string }>(
          db,
          sql`select count(*) as total, count(*) filter (where ${devices.online}) as online
              from ${devices} where ${at(devices.orgPath)}`,
        ),
        rows<{ n: string }>(
          db,
          sql`select count(*) as n from ${volunteerProfiles}
              where ${at(volunteerProfiles.orgPath)} and ${volunteerProfiles.status} = 'approved'`,
        ),
        rows<{ hours: string | null; points: string | null }>(
          db,
          sql`select sum(${pointsLedger.hours}) as hours, sum(${pointsLedger.amount}) as points from ${pointsLedger}
              where ${at(pointsLedger.orgPath)} and ${pointsLedger.kind} = 'service' and ${pointsLedger.at} >= ${from}`,
        ),
      ]);

    const satisfaction = (
      [
        ['repair', repair],
        ['approval', approval],
        ['event', event],
      ] as const
    ).map(([kind, [r]]) => ({
      kind,
      rated: num(r?.rated),
      average:
        r?.average === null || r?.average === undefined ? null : Math.round(Number(r.average) * 100) / 100,
      satisfied: num(r?.satisfied),
    }));

    return {
      days,
      processes,
      slowSteps: steps.map((r) => ({
        processId: r.process_id,
        processName: nameOf.get(r.process_id) ?? r.process_id,
        activityId: r.activity_id,
        name: r.name ?? r.activity_id,
        done: num(r.done),
        avgMinutes: Math.round(num(r.avg) * 10) / 10,
        maxMinutes: Math.round(num(r.max) * 10) / 10,
      })),
      satisfaction,
      alerts: {
        open: alertTypes.reduce((sum, r) => sum + num(r.n), 0),
        byType: alertTypes.map((r) => ({ type: r.type, name: typeName(r.type), count: num(r.n) })),
        byGrid: alertGrids.map((r) => ({
          orgUnitId: r.grid_id,
          name: r.name ?? '未划分网格',
          count: num(r.n),
        })),
        raised: num(raised[0]?.n),
      },
      devices: { total: num(deviceCounts[0]?.total), online: num(deviceCounts[0]?.online) },
      volunteer: {
        volunteers: num(volunteers[0]?.n),
        hours: Math.round(num(service[0]?.hours) * 10) / 10,
        points: num(service[0]?.points),
      },
    };
  },
});

export const statsRoutes: RouteDef[] = [overview];
