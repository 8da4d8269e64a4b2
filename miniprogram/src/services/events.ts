// Community events (事件上报) as the mini-program uses them: a grid worker's patrol report (随手拍) or a
// resident's report (问题上报), my own reports, one report with its timeline, and the reporter's rating.
// The server decides the source from who reports (staff: patrol, residents: resident).
import type {
  CommunityEvent,
  EventCategory,
  EventSource,
  EventState,
  Instance,
  Me,
  ReportEvent,
  Task,
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

/** who a category sends the event to (处置单位) */
export const EVENT_TARGET_NAMES: Record<EventCategory['target'], string> = {
  grid_worker: '网格员',
  property: '物业',
  street: '街道',
};

/** what classifying into a category of this kind does besides dispatching */
export const EVENT_KIND_NOTES: Record<EventCategory['kind'], string> = {
  event: '',
  repair: '转物业报修',
  dispute: '转矛盾调解',
};

/** the staff steps of an event done in the mini-program, by the diagram's task ids */
export const EVENT_STEP = { classify: 'Task_Classify', handle: 'Task_Handle' } as const;
export type EventStaffStep = keyof typeof EVENT_STEP;

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
  /** 事件分类: the category (by code); the server dispatches it by the category's handling unit */
  classify: (id: string, category: string, comment?: string) =>
    api.post<CommunityEvent>(`/events/${id}/classify`, { category, comment }),
  /** 处置反馈: what was done with photos of the result */
  handleDone: (id: string, result: string, photoFileIds: string[]) =>
    api.post<CommunityEvent>(`/events/${id}/handle`, { outcome: 'done', result, photoFileIds }),
  /** 退回: not ours, back to classification with the reason */
  sendBack: (id: string, reason: string) =>
    api.post<CommunityEvent>(`/events/${id}/handle`, { outcome: 'send_back', reason }),
  /** the event a task's case belongs to (the case records it as its variable eventId) */
  async idOfInstance(instanceId: string): Promise<string | null> {
    const i = await api.get<Instance>(`/instances/${instanceId}`);
    const id = i.variables?.eventId;
    if (typeof id === 'string') return id;
    return i.businessKey?.startsWith('event:') ? i.businessKey.slice('event:'.length) : null;
  },
  /** the step of this event I may take now (an open task mine or mine to claim), or null */
  async myStep(e: CommunityEvent): Promise<EventStaffStep | null> {
    if (!e.instanceId || (e.state !== 'classifying' && e.state !== 'dispatched')) return null;
    const views = ['assigned', 'candidate'] as const;
    const pages = await Promise.all(
      views.map((view) => api.get<Page<Task>>('/tasks', { view, instanceId: e.instanceId!, pageSize: 20 })),
    );
    const open = pages.flatMap((p) => p.items).filter((t) => t.status === 'open');
    if (open.some((t) => t.activityId === EVENT_STEP.classify)) return 'classify';
    if (open.some((t) => t.activityId === EVENT_STEP.handle)) return 'handle';
    return null;
  },
};
