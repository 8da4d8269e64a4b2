// My grid (我的网格), for grid workers: the residents of their grid as the server masks them, a reveal with a
// reason (audited by the server), the household of a room and the visits (走访 / 探访) to a care recipient.
import type { CheckIn, Resident, ResidentTag } from '@linli/contracts';
import { api } from './http';
import type { Page } from './types';

export type { CheckIn, Resident, ResidentTag };
export type VisitMethod = CheckIn['method'];

export const RESIDENT_TAG_NAMES: Record<ResidentTag, string> = {
  elderly_living_alone: '独居老人',
  elderly: '老年人',
  disabled: '残疾人',
  low_income: '低保',
  community_correction: '社区矫正',
  veteran: '退役军人',
  party_member: '党员',
  left_behind_child: '留守儿童',
  serious_illness: '重病',
  key_person: '重点人员',
};

/** care recipients (关爱对象): shown first and marked in the list */
export const CARE_TAGS: ResidentTag[] = [
  'elderly_living_alone',
  'community_correction',
  'disabled',
  'left_behind_child',
  'serious_illness',
  'low_income',
];

/** the tag chips of 我的网格, in this order */
export const FILTER_TAGS: ResidentTag[] = [
  'elderly_living_alone',
  'elderly',
  'community_correction',
  'disabled',
  'low_income',
  'left_behind_child',
  'serious_illness',
  'party_member',
];

export const VISIT_METHOD_NAMES: Record<VisitMethod, string> = {
  visit: '上门走访',
  phone: '电话问候',
  video: '视频通话',
};

export const GENDER_NAMES: Record<string, string> = { male: '男', female: '女' };
export const RESIDENCY_NAMES: Record<string, string> = { registered: '户籍人口', floating: '流动人口' };

export const isCareRecipient = (r: Resident) => r.tags.some((t) => CARE_TAGS.includes(t));

export const gridApi = {
  /** residents in my scope (the server limits a grid worker to their grid), by name */
  residents(opts: { q?: string; tag?: ResidentTag; page?: number; pageSize?: number } = {}) {
    return api.get<Page<Resident>>('/residents', {
      q: opts.q || undefined,
      tag: opts.tag,
      status: 'active',
      page: opts.page ?? 1,
      pageSize: opts.pageSize ?? 20,
    });
  },
  resident: (id: string) => api.get<Resident>(`/residents/${id}`),
  /** the people living in a room (its household), masked as the server masks them */
  household: (roomId: string) =>
    api.get<Page<Resident>>('/residents', { roomId, pageSize: 50 }).then((p) => p.items),
  /** the full phone / ID number; the reason is written to the audit log */
  reveal: (id: string, fields: ('phone' | 'idNumber')[], reason: string) =>
    api.post<{ phone?: string | null; idNumber?: string | null }>(`/residents/${id}/reveal`, {
      fields,
      reason,
    }),
  visits: (id: string) => api.get<{ items: CheckIn[] }>(`/residents/${id}/check-ins`).then((r) => r.items),
  recordVisit: (id: string, body: { method: VisitMethod; note: string; concern: boolean; at?: string }) =>
    api.post<CheckIn>(`/residents/${id}/check-ins`, body),
};
