// Community events (事件上报) as the mini-program uses them: a grid worker's patrol report (随手拍) or a
// resident's report (问题上报), my own reports, one report with its timeline, and the reporter's rating.
// The server decides the source from who reports (staff: patrol, residents: resident).
import type {
  CommunityEvent,
  EventCategory,
  EventSource,
  EventState,
  Me,
  ReportEvent,
  Timeline,
} from '@linli/contracts';
import { hasRole } from './auth';
import { api } from './http';
import type { Page } from './types';

/** who reports by patrol (随手拍) in the mini-program; residents report problems (问题上报) */
export const isPatrolWorker = (me: Me | null) => hasRole(me, 'grid_worker');

export const EVENT_STATE_NAMES: Record<EventState, string> = {
  reported: '已上报',
  classifying: '待分类',
  dispatched: '处置中',
  handled: '已处置',
  feedback: '待评价',
  closed: '已办结',
  converted: '已转办',
};

export const EVENT_SOURCE_NAMES: Record<EventSource, string> = {
  patrol: '巡查上报',
  resident: '居民上报',
  hotline: '12345热线',
};

/** timeline entry kinds the events process writes */
export const EVENT_STEP_NAMES: Record<string, string> = {
  'instance.started': '上报',
  'events.reported': '上报',
  'events.dispatched': '已派单',
  'events.handled': '处置反馈',
  'events.supervised': '督办',
  'events.hotline_replied': '已回复热线',
  'events.auto_closed': '自动办结',
  'events.converted': '已转办',
  'events.convert_failed': '转办失败',
  'task.created': '待处理',
  'instance.completed': '已办结',
  comment: '留言',
  urge: '催办',
  'timer.fired': '超时提醒',
};

export const isEventDone = (e: CommunityEvent) => e.state === 'closed' || e.state === 'converted';

export const eventsApi = {
  /** the active categories where I work or live, in their order */
  async categories(): Promise<EventCategory[]> {
    const page = await api.get<Page<EventCategory>>('/event-categories', { pageSize: 200 });
    return page.items.filter((c) => c.active).sort((a, b) => a.sortOrder - b.sortOrder);
  },
  report: (body: Omit<ReportEvent, 'photoFileIds'> & { photoFileIds: string[] }) =>
    api.post<CommunityEvent>('/events', body),
  /** my own reports, newest first */
  mine: (page = 1) => api.get<Page<CommunityEvent>>('/events', { mine: 'true', page, pageSize: 20 }),
  get: (id: string) => api.get<CommunityEvent>(`/events/${id}`),
  timeline: (instanceId: string) => api.get<Timeline>(`/instances/${instanceId}/timeline`),
  rate: (id: string, rating: number, comment?: string) =>
    api.post<CommunityEvent>(`/events/${id}/rate`, { rating, comment }),
};
