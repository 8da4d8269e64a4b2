// The repair process (物业报修) as the mini-program uses it.
import type {
  CreateRepair,
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
};

export const isOpen = (r: Repair) => r.status !== 'closed';
