// The alert-handling diagram's service tasks. Each runs at least once per execution: what they compute comes
// from the case's variables (a re-run computes the same), notices are keyed by the call's `key`, and timeline
// entries are written once per key.
//   alert.escalate  nobody acknowledged in time: the next person of the escalation chain (the rest of the grid's
//                   roster in order, then the community admins) is assigned and told at once
//   alert.repeat    a repeat event of the alert arrived (message alert.repeat): noted on the alert
//   alert.close     the resolution was recorded: the alert is closed
import { eq, sql } from 'drizzle-orm';
import type { ServiceHandler } from '@linli/workflows';
import type { Services } from '../../services.js';
import { alerts } from '../../alerts/schema.js';
import { typeName } from '../../alerts/types.js';
import { enqueueNotice } from '../shared/notify.js';

type Entry = { at: string; kind: string; actor: string | null; note: string; key?: string };

export function alertHandlers(s: Services): Record<string, ServiceHandler> {
  async function alertOf(variables: Record<string, unknown>) {
    const id = String(variables.alertId ?? '');
    const [row] = id ? await s.db.select().from(alerts).where(eq(alerts.id, id)) : [];
    if (!row) throw new Error(`alert ${id} of this case does not exist`);
    return row;
  }
  async function note(
    id: string,
    key: string,
    entry: Omit<Entry, 'key'>,
    set: Partial<typeof alerts.$inferInsert> = {},
  ) {
    const add = JSON.stringify([{ ...entry, key }]);
    await s.db
      .update(alerts)
      .set({
        ...set,
        timeline: sql`case when ${alerts.timeline} @> ${JSON.stringify([{ key }])}::jsonb then ${alerts.timeline} else ${alerts.timeline} || ${add}::jsonb end`,
        updatedAt: s.now(),
      })
      .where(eq(alerts.id, id));
  }

  return {
    'alert.escalate': async ({ key, instanceId, variables }) => {
      const alert = await alertOf(variables);
      const chain = Array.isArray(variables.chain) ? variables.chain.map(String) : alert.routedTo;
      const level = Number(variables.level ?? 0) + 1;
      // past the end of the chain: stay with its last person (the community admin) and tell them again
      const assignee = chain[Math.min(level, chain.length - 1)] ?? null;
      await note(alert.id, key, {
        at: s.now().toISOString(),
        kind: 'escalated',
        actor: null,
        note: `超时未确认，已升级（第 ${level} 次）`,
      });
      if (assignee)
        await enqueueNotice(s.db, {
          dedupKey: `alert.escalated:${key}`,
          recipients: [assignee],
          template: 'alert.escalated',
          title: `【告警升级】${typeName(alert.type)}`,
          body: `告警 ${alert.number}（${alert.location}）超时未确认，已升级由您处理，请立即确认。`,
          instanceId,
          link: `/pages/alerts/detail?id=${alert.id}`,
          data: { alertId: alert.id, number: alert.number, orgPath: alert.orgPath },
        });
      return { level, assignee };
    },
    'alert.repeat': async ({ key, variables }) => {
      const alert = await alertOf(variables);
      await note(alert.id, key, {
        at: s.now().toISOString(),
        kind: 'repeat',
        actor: null,
        note: `同一设备再次报警，累计 ${String(variables.repeatCount ?? alert.count)} 次`,
      });
    },
    'alert.close': async ({ key, variables }) => {
      const alert = await alertOf(variables);
      if (alert.status === 'closed') return;
      await note(
        alert.id,
        key,
        { at: s.now().toISOString(), kind: 'closed', actor: null, note: '告警已办结' },
        { status: 'closed' },
      );
    },
  };
}
