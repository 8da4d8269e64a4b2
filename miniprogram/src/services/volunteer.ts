// Volunteer service (志愿服务) as residents and volunteers use it in the mini-program: registering as a volunteer,
// micro-wishes (微心愿: post one, or claim one), volunteer activities (sign up), confirming a service, my points
// record (balance and history), and the points mall (items, redeem, my redemptions).
import type {
  MallItem,
  PointsLedgerEntry,
  Redemption,
  Timeline,
  VolunteerActivity,
  VolunteerActivityDetail,
  VolunteerParticipation,
  VolunteerRecord,
  VolunteerRegistration,
} from '@linli/contracts';
import { ApiFailure, messageOf } from './errors';
import { api } from './http';
import type { Page } from './types';

export const VOLUNTEER_PAGE_SIZE = 20;

// the contracts' enums are zod values; these are their types
export type VolunteerActivityKind = VolunteerActivity['kind'];
export type VolunteerActivityStatus = VolunteerActivity['status'];
export type VolunteerRegistrationStatus = VolunteerRegistration['status'];
export type RedemptionStatus = Redemption['status'];

export const VOLUNTEER_KIND_NAMES: Record<VolunteerActivityKind, string> = {
  wish: '微心愿',
  activity: '志愿活动',
};

/** a wish's and an activity's states, as the people who read them say it */
export const WISH_STATUS_NAMES: Record<VolunteerActivityStatus, string> = {
  pending_review: '待审核',
  rejected: '未通过',
  open: '待认领',
  claimed: '已认领',
  completed: '已完成',
  cancelled: '已取消',
};
export const ACTIVITY_STATUS_NAMES: Record<VolunteerActivityStatus, string> = {
  pending_review: '待审核',
  rejected: '未通过',
  open: '报名中',
  claimed: '进行中',
  completed: '已结束',
  cancelled: '已取消',
};
export const statusNameOf = (a: Pick<VolunteerActivity, 'kind' | 'status'>) =>
  (a.kind === 'wish' ? WISH_STATUS_NAMES : ACTIVITY_STATUS_NAMES)[a.status];

export const PARTICIPATION_STATUS_NAMES: Record<VolunteerParticipation['status'], string> = {
  signed_up: '已报名',
  confirmed: '已确认',
  absent: '未参加',
  released: '已取消',
};

export const REGISTRATION_STATUS_NAMES: Record<VolunteerRegistrationStatus, string> = {
  pending: '审核中',
  approved: '已注册',
  rejected: '未通过',
};

export const LEDGER_KIND_NAMES: Record<PointsLedgerEntry['kind'], string> = {
  service: '志愿服务',
  redemption: '积分兑换',
  refund: '兑换退回',
  adjustment: '积分调整',
};

export const REDEMPTION_STATUS_NAMES: Record<RedemptionStatus, string> = {
  reserved: '待领取',
  fulfilled: '已领取',
  cancelled: '已取消',
};

/** timeline entry kinds the volunteer processes write */
export const VOLUNTEER_STEP_NAMES: Record<string, string> = {
  'volunteer.wish_posted': '发布微心愿',
  'volunteer.activity_posted': '发布志愿活动',
  'volunteer.claimed': '志愿者认领',
  'volunteer.signed_up': '志愿者报名',
  'volunteer.confirmed': '确认服务',
  'volunteer.withdrawn': '取消认领',
  'volunteer.cancelled': '已取消',
  'volunteer.points_credited': '发放志愿积分',
  'task.created': '待处理',
  'instance.completed': '已办结',
  comment: '留言',
  urge: '催办',
  'timer.fired': '超时提醒',
};

/** the volunteer API's own refusals, in words a resident can act on; the rest as the app says them */
const VOLUNTEER_ERRORS: Record<string, string> = {
  insufficient_points: '积分不足，参加志愿服务可以获得更多积分',
  out_of_stock: '库存不足，请选择其他商品或少兑换一些',
};
export function volunteerMessageOf(err: unknown): string {
  if (err instanceof ApiFailure && VOLUNTEER_ERRORS[err.id]) return VOLUNTEER_ERRORS[err.id]!;
  return messageOf(err);
}

export interface PostWish {
  title: string;
  description: string;
  place: string;
  /** when the help is wanted (ISO with offset) */
  wantedAt?: string;
  photoIds: string[];
}

export interface ConfirmService {
  done: boolean;
  hours?: number;
  /** an activity: who attended (those not listed were absent) */
  participants?: { participationId: string; attended: boolean; hours?: number }[];
  photoIds: string[];
  comment?: string;
}

export const volunteerApi = {
  /** my registration(s): the newest tells whether I am a volunteer, waiting, or refused */
  myRegistration: async (): Promise<VolunteerRegistration | null> =>
    (await api.get<Page<VolunteerRegistration>>('/volunteer/registrations', { page: 1, pageSize: 1 }))
      .items[0] ?? null,
  register: (body: { isPartyMember: boolean; skills: string[]; note?: string }) =>
    api.post<VolunteerRegistration>('/volunteer/registrations', body),

  /** published wishes or activities of my community (or mine only), newest first */
  list: (kind: VolunteerActivityKind, page = 1, mine = false) =>
    api.get<Page<VolunteerActivity>>('/volunteer/activities', {
      kind,
      page,
      pageSize: VOLUNTEER_PAGE_SIZE,
      ...(mine ? { mine: true } : {}),
    }),
  get: (id: string) => api.get<VolunteerActivityDetail>(`/volunteer/activities/${id}`),
  timeline: (id: string) => api.get<Timeline>(`/volunteer/activities/${id}/timeline`),
  postWish: (body: PostWish) => api.post<VolunteerActivityDetail>('/volunteer/wishes', body),
  /** claim a wish (接单) or sign up for an activity */
  claim: (id: string) => api.post<VolunteerActivityDetail>(`/volunteer/activities/${id}/claim`, {}),
  withdraw: (id: string, reason?: string) =>
    api.post<VolunteerActivityDetail>(`/volunteer/activities/${id}/withdraw`, reason ? { reason } : {}),
  confirm: (id: string, body: ConfirmService) =>
    api.post<VolunteerActivityDetail>(`/volunteer/activities/${id}/confirm`, body),
  cancel: (id: string, reason: string) =>
    api.post<VolunteerActivityDetail>(`/volunteer/activities/${id}/cancel`, { reason }),

  /** balance, earned, hours, rank and the points history (newest first) */
  myRecord: () => api.get<VolunteerRecord>('/volunteer/me/record'),

  mallItems: (page = 1) =>
    api.get<Page<MallItem>>('/volunteer/mall/items', { page, pageSize: VOLUNTEER_PAGE_SIZE }),
  redeem: (itemId: string, quantity = 1) =>
    api.post<Redemption>(`/volunteer/mall/items/${itemId}/redeem`, { quantity }),
  myRedemptions: (page = 1) =>
    api.get<Page<Redemption>>('/volunteer/redemptions', { page, pageSize: VOLUNTEER_PAGE_SIZE }),
  cancelRedemption: (id: string, reason: string) =>
    api.post<Redemption>(`/volunteer/redemptions/${id}/cancel`, { reason }),
};
