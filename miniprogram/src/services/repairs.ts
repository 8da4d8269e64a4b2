// The repair process (物业报修) as the mini-program uses it.
import type {
  CreateRepair,
  DutyEntry,
  Repair,
  RepairCategory,
  RepairMaterial,
  RepairStatus,
  Timeline,
} from '@linli/contracts';
import { api } from './http';
import type { Page } from './types';

export const CATEGORY_NAMES: Record<RepairCategory, string> = {
  water: '水',
  electricity: '电',
  door: '门窗',
  lift: '电梯',
  public_area: '公共区域',
  gas: '燃气',
  heating: '暖气',
  network: '网络',
  other: '其他',
};

export const STATUS_NAMES: Record<RepairStatus, string> = {
  dispatching: '待派单',
  dispatched: '待接单',
  accepted: '维修中',
  waiting_parts: '等待配件',
  referred: '转社区处理',
  fixed: '待确认',
  reviewing: '复核中',
  closed: '已完成',
};

export const STEP = {
  accept: 'Task_Accept',
  handle: 'Task_Handle',
  confirm: 'Task_Confirm',
} as const;

export const repairs = {
  create: (body: Omit<CreateRepair, 'photoFileIds'> & { photoFileIds: string[] }) =>
    api.post<Repair>('/repairs', body),
  list: (view: 'mine' | 'assigned' | 'all', page = 1, status?: RepairStatus) =>
    api.get<Page<Repair>>('/repairs', { view, page, pageSize: 20, status }),
  get: (id: string) => api.get<Repair>(`/repairs/${id}`),
  timeline: (instanceId: string) => api.get<Timeline>(`/instances/${instanceId}/timeline`),
  accept: (id: string, comment?: string) =>
    api.post<Repair>(`/repairs/${id}/accept`, { decision: 'accept', comment }),
  decline: (id: string, comment: string) =>
    api.post<Repair>(`/repairs/${id}/accept`, { decision: 'decline', comment }),
  fix: (id: string, body: { note: string; afterPhotoFileIds: string[]; materials: RepairMaterial[] }) =>
    api.post<Repair>(`/repairs/${id}/fix`, body),
  confirm: (id: string, rating: number, comment?: string) =>
    api.post<Repair>(`/repairs/${id}/confirm`, { rating, comment }),
  /** 派单 / 改派 (property staff): to a technician, before it is accepted or while waiting for a dispatcher */
  dispatch: (id: string, technicianId: string, comment?: string) =>
    api.post<Repair>(`/repairs/${id}/dispatch`, { technicianId, comment }),
  /** 派单台: the queue by tab (working: optionally one of its statuses), waiting ones longest first */
  queue: (tab: DispatchTab, page = 1, status?: (typeof WORKING_STATUSES)[number]) =>
    api.get<Page<Repair>>('/repair-queue', { tab, page, pageSize: 20, status }),
  /** the duty roster of a community: each technician with their open jobs (workload) */
  duty: (communityId: string) => api.get<Page<DutyEntry>>('/repair-duty', { communityId, pageSize: 100 }),
};

/** 派单台 (property dispatcher) queue tabs */
export type DispatchTab = 'waiting' | 'working' | 'overdue';
export const DISPATCH_TAB_NAMES: Record<DispatchTab, string> = {
  waiting: '待派单',
  working: '处理中',
  overdue: '超时',
};
/** the statuses of 处理中, one chip each (the list filters by one status) */
export const WORKING_STATUSES = ['dispatched', 'accepted', 'waiting_parts'] as const;
/** the steps with a time limit the dispatcher watches: 人工派单 (1 hour) and 接单 (30 minutes) */
const TIMED_STEPS = ['Task_Dispatch', 'Task_Accept'];

/** past the time limit of the step it waits at (人工派单 or 接单) */
export const isOverdue = (r: Repair, now = Date.now()) =>
  r.openTasks.some((t) => TIMED_STEPS.includes(t.activityId) && !!t.dueAt && Date.parse(t.dueAt) < now);

/** since when the repair waits: for a technician since its dispatch, else since it was reported */
export const waitingSince = (r: Repair) =>
  r.status === 'dispatched' && r.dispatchedAt ? r.dispatchedAt : r.createdAt;

/** 等待 3 分钟 / 2 小时 5 分 / 1 天 3 小时 */
export function waitedFor(since: string, now = Date.now()): string {
  const min = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (min < 60) return `${min}分钟`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h}小时${min % 60}分` : `${h}小时`;
  return h % 24 ? `${Math.floor(h / 24)}天${h % 24}小时` : `${Math.floor(h / 24)}天`;
}

export const isOpen = (r: Repair) => r.status !== 'closed';
