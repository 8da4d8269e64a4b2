// The in-app inbox (消息).
import type { NotificationItem } from '@linli/contracts';
import { api } from './http';
import type { Page } from './types';

/** GET /notifications/unread-count */
export interface UnreadCount {
  unread: number;
  lastSeq: number;
}
/** POST /notifications/read */
export interface MarkReadResult {
  updated: number;
  unread: number;
}

export const notifications = {
  list: (page = 1, unread?: boolean) =>
    api.get<Page<NotificationItem>>('/notifications', {
      page,
      pageSize: 20,
      unread: unread ? 'true' : undefined,
    }),
  unreadCount: () => api.get<UnreadCount>('/notifications/unread-count'),
  markRead: (ids: string[]) => api.post<MarkReadResult>('/notifications/read', { ids }),
  markAllRead: () => api.post<MarkReadResult>('/notifications/read', { all: true }),
};
