// Notices to people, through the notification outbox (wf_outbox). The runtime itself writes `task.created`
// rows (who must act next); processes add `notice` rows for people who only need to know (the resident whose
// repair was dispatched, a volunteer whose points were credited). Each row is written once per dedupKey.
import type { DbOrTx } from '../../db/client.js';
import { wfOutbox } from '../../db/schema.js';

export interface Notice {
  /** unique per cause, e.g. `${instanceId}:repair.dispatched:${n}`: a re-run writes nothing twice */
  dedupKey: string;
  /** user ids */
  recipients: string[];
  /** a key the chat channels map to their templates (repair.dispatched, points.credited …) */
  template: string;
  /** zh-CN, what the person reads */
  title: string;
  body: string;
  instanceId?: string | null;
  /** where the mini-program opens it (e.g. /pages/case/index?id=…) */
  link?: string;
  data?: Record<string, unknown>;
}

export async function enqueueNotice(db: DbOrTx, n: Notice): Promise<void> {
  await enqueueNotices(db, [n]);
}

/** Several notices in one insert (those without recipients are skipped). */
export async function enqueueNotices(db: DbOrTx, notices: Notice[]): Promise<void> {
  const rows = notices.flatMap((n) => {
    const recipients = [...new Set(n.recipients.filter(Boolean))];
    if (!recipients.length) return [];
    return [
      {
        kind: 'notice' as const,
        dedupKey: n.dedupKey,
        payload: {
          recipients,
          template: n.template,
          title: n.title,
          body: n.body,
          instanceId: n.instanceId ?? null,
          link: n.link ?? null,
          data: n.data ?? {},
        },
      },
    ];
  });
  if (rows.length) await db.insert(wfOutbox).values(rows).onConflictDoNothing();
}
