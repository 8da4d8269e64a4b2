// Services (办事) as the mini-program uses them: the catalogue of items (办事指南) with their materials, form
// and time limit; applying with the form and material photos; my applications; one application with its
// timeline; supplementing (补正) when pre-review asks; rating once concluded; and, for staff, the steps of a
// case (预审, 受理, 承办, 审核, 办结, 退回). The server masks ID numbers and phones in what it answers.
import type {
  ApprovalDetail,
  ApprovalItem,
  ApprovalState,
  ApprovalSummary,
  FormField,
  Timeline,
} from '@linli/contracts';
import { api } from './http';
import type { Page } from './types';

export const APPROVAL_STATE_NAMES: Record<ApprovalState, string> = {
  pre_review: '待预审',
  supplement: '待补正',
  accept: '待受理',
  handle: '承办中',
  review: '待审核',
  conclude: '待办结',
  approved: '已办结',
  refused: '不予批准',
  cancelled: '已撤销',
};

/** the step a staff member works in each open state */
export const APPROVAL_STEP_NAMES: Partial<Record<ApprovalState, string>> = {
  pre_review: '预审',
  supplement: '补正材料',
  accept: '受理',
  handle: '承办',
  review: '审核',
  conclude: '办结',
};

export const FORM_FIELD_TYPE_NAMES: Record<FormField['type'], string> = {
  text: '文字',
  number: '数字',
  date: '日期',
  select: '选择',
  idNumber: '身份证号',
  phone: '手机号',
};

/** timeline entry kinds the approval process writes and the app shows (a supplement asked and handed in shows
 * as the completed 预审 / 补正材料 steps, with the same comment) */
export const APPROVAL_TIMELINE_NAMES: Record<string, string> = {
  'approval.submitted': '提交申请',
  'approval.handling_files': '承办材料',
  'approval.concluded': '出具办理结果',
  'approval.rated': '评价',
  'approval.warning': '临近时限',
  'approval.overdue': '已超时限',
  'task.returned': '退回',
  comment: '留言',
  urge: '催办',
  'timer.fired': '时限提醒',
};

/** what a completed step decided, in Chinese */
export const APPROVAL_OUTCOME_NAMES: Record<string, string> = {
  complete: '材料齐全',
  incomplete: '需要补正',
  supplemented: '已补正',
  accept: '予以受理',
  approve: '建议准予',
  refuse: '建议不予批准',
  agree: '审核通过',
  approved: '准予办理',
  refused: '不予批准',
};

export const isApprovalDone = (a: ApprovalSummary) =>
  a.state === 'approved' || a.state === 'refused' || a.state === 'cancelled';

/** the item's form fields (the contract leaves them untyped in answers) */
export const formFieldsOf = (item: ApprovalItem) => item.formFields as FormField[];

export type FormValues = Record<string, string | number>;
export interface MaterialUpload {
  name: string;
  fileIds: string[];
}

export const approvalsApi = {
  /** the published items where I live (staff: of their area) */
  items: (page = 1, q?: string) =>
    api.get<Page<ApprovalItem>>('/approval-items', { page, pageSize: 20, published: 'true', q }),
  item: (id: string) => api.get<ApprovalItem>(`/approval-items/${id}`),
  apply: (body: { itemId: string; form: FormValues; materials: MaterialUpload[]; comment?: string }) =>
    api.post<ApprovalDetail>('/approvals', body),
  /** my applications (staff: their area's), newest first */
  mine: (page = 1) => api.get<Page<ApprovalSummary>>('/approvals', { page, pageSize: 20 }),
  get: (id: string) => api.get<ApprovalDetail>(`/approvals/${id}`),
  timeline: (instanceId: string) => api.get<Timeline>(`/instances/${instanceId}/timeline`),
  supplement: (id: string, body: { form: FormValues; materials: MaterialUpload[]; comment?: string }) =>
    api.post<ApprovalDetail>(`/approvals/${id}/supplement`, body),
  rate: (id: string, score: number, comment?: string) =>
    api.post<ApprovalDetail>(`/approvals/${id}/rating`, { score, comment }),
  // staff steps
  preReview: (
    id: string,
    body: { outcome: 'complete' | 'incomplete'; missing?: string[]; comment?: string },
  ) => api.post<ApprovalDetail>(`/approvals/${id}/pre-review`, body),
  accept: (id: string, comment?: string) => api.post<ApprovalDetail>(`/approvals/${id}/accept`, { comment }),
  handle: (id: string, body: { opinion: 'approve' | 'refuse'; comment: string; fileIds: string[] }) =>
    api.post<ApprovalDetail>(`/approvals/${id}/handle`, body),
  review: (id: string, comment?: string) => api.post<ApprovalDetail>(`/approvals/${id}/review`, { comment }),
  conclude: (
    id: string,
    body: { result: 'approved' | 'refused'; resultFileIds: string[]; reason?: string; comment?: string },
  ) => api.post<ApprovalDetail>(`/approvals/${id}/conclude`, body),
  returnStep: (id: string, reason: string) => api.post<ApprovalDetail>(`/approvals/${id}/return`, { reason }),
  /** the application a workflow instance belongs to, among those the caller may see */
  async byInstance(instanceId: string): Promise<ApprovalSummary | null> {
    for (let page = 1; page <= 10; page++) {
      const p = await api.get<Page<ApprovalSummary>>('/approvals', { page, pageSize: 50 });
      const hit = p.items.find((a) => a.instanceId === instanceId);
      if (hit) return hit;
      if (page * p.pageSize >= p.total) break;
    }
    return null;
  },
};

/** checks a form's values as the server will; answers the first problem in Chinese, or '' */
export function checkApprovalForm(fields: FormField[], values: FormValues): string {
  for (const f of fields) {
    const raw = values[f.key];
    const v = raw === undefined ? '' : String(raw).trim();
    if (!v) {
      if (f.required)
        return f.type === 'select' || f.type === 'date' ? `请选择${f.label}` : `请填写${f.label}`;
      continue;
    }
    if (f.type === 'number' && !/^-?\d+(\.\d+)?$/.test(v)) return `${f.label}请填写数字`;
    if (f.type === 'phone' && !/^1[3-9]\d{9}$/.test(v)) return `${f.label}应为 11 位手机号`;
    if (f.type === 'idNumber' && !validIdNumber(v)) return `${f.label}格式不正确，请核对 18 位身份证号`;
    if (f.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return `${f.label}请选择日期`;
    if (f.type === 'select' && !(f.options ?? []).includes(v)) return `请从选项中选择${f.label}`;
  }
  return '';
}

/** an 18-digit resident ID number with its check digit (GB 11643) */
export function validIdNumber(v: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(v)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(v[i]), 0);
  return '10X98765432'[sum % 11] === v[17]!.toUpperCase();
}

/** the values to send: numbers as numbers, empty optional fields left out */
export function formPayload(fields: FormField[], values: FormValues): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = values[f.key] === undefined ? '' : String(values[f.key]).trim();
    if (!v) continue;
    out[f.key] = f.type === 'number' ? Number(v) : f.type === 'idNumber' ? v.toUpperCase() : v;
  }
  return out;
}
