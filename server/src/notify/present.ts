import type { NotificationItem } from '@linli/contracts';
import type { notifyInbox } from './schema.js';

export function presentItem(r: typeof notifyInbox.$inferSelect): NotificationItem {
  return {
    id: r.id,
    seq: r.seq,
    template: r.template,
    urgency: r.urgency,
    title: r.title,
    body: r.body,
    link: r.link,
    instanceId: r.instanceId,
    taskId: r.taskId,
    data: r.data,
    createdAt: r.createdAt.toISOString(),
    readAt: r.readAt?.toISOString() ?? null,
  };
}
