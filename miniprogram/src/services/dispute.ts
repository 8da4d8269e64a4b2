// Dispute mediation (邻里调解) as a resident uses it in the mini-program: apply for mediation, my cases, one
// case as my part in it shows it (the server masks phones and hides what I may not see), and its timeline.
// The other party's phone is sent once and encrypted by the server; it is never shown back in full.
import type { Dispute, DisputeCategory, DisputeDetail, DisputeStatus, Timeline } from '@linli/contracts';
import { api } from './http';
import type { Page } from './types';

export const DISPUTE_STATUS_NAMES: Record<DisputeStatus, string> = {
  registered: '待受理',
  rejected: '不予受理',
  mediating: '调解中',
  signing: '协议待签字',
  follow_up: '待回访',
  closed: '调解成功',
  referred_street: '已转街道',
  referred_court: '已引导诉讼',
};

export const DISPUTE_CATEGORY_NAMES: Record<DisputeCategory, string> = {
  neighbour: '邻里纠纷',
  family: '婚姻家庭纠纷',
  property: '物业纠纷',
  labour: '劳动争议',
  land: '土地/宅基地纠纷',
  debt: '债务纠纷',
  other: '其他',
};

export const DISPUTE_PARTY_ROLE_NAMES: Record<'applicant' | 'respondent' | 'third_party', string> = {
  applicant: '申请人',
  respondent: '对方当事人',
  third_party: '第三人',
};

/** timeline entry kinds the dispute process writes */
export const DISPUTE_STEP_NAMES: Record<string, string> = {
  'dispute.registered': '申请调解',
  'dispute.session': '调解',
  'dispute.agreement_generated': '生成调解协议',
  'dispute.signed': '当事人签字',
  'dispute.record_generated': '生成调解记录',
  'dispute.escalated': '移交',
  'dispute.closed': '结案',
  'task.created': '待处理',
  'instance.completed': '已结案',
  comment: '留言',
  urge: '催办',
  'timer.fired': '超时提醒',
};

export const isDisputeDone = (d: Dispute) =>
  d.status === 'closed' ||
  d.status === 'rejected' ||
  d.status === 'referred_street' ||
  d.status === 'referred_court';

/** what a resident sends: always for themself (the server adds them as the applicant) */
export interface ApplyDispute {
  title: string;
  description: string;
  category?: DisputeCategory;
  parties: { name: string; role: 'respondent'; phone?: string; address?: string }[];
  fileIds: string[];
}

export const disputesApi = {
  apply: (body: ApplyDispute) => api.post<DisputeDetail>('/disputes', { source: 'resident', ...body }),
  /** the cases I applied for or am a party to, newest first */
  mine: (page = 1) => api.get<Page<Dispute>>('/disputes', { page, pageSize: 20 }),
  get: (id: string) => api.get<DisputeDetail>(`/disputes/${id}`),
  timeline: (id: string) => api.get<Timeline>(`/disputes/${id}/timeline`),
};
