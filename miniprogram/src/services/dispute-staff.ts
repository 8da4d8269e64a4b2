// Dispute mediation (矛盾调解) as staff work it in the mini-program: the committee member or admin who accepts a
// case and names its mediator, the mediator who records sessions, the outcome, the parties' signatures on the
// agreement and the follow-up visit. The server decides the caller's part in each case (403/404/409); phones
// come masked and a full number only through the audited reveal.
import Taro from '@tarojs/taro';
import type { Dispute, DisputeCategory, DisputeDetail, DisputeStatus } from '@linli/contracts';
import { IS_H5 } from './env';
import { api, urlOf } from './http';
import { loadSession } from './session';
import type { Page } from './types';

/** the staff list's tabs and the states each one holds */
export const DISPUTE_STAFF_TABS = {
  accept: { name: '待受理', statuses: ['registered'] },
  mediate: { name: '调解中', statuses: ['mediating', 'signing'] },
  follow: { name: '回访', statuses: ['follow_up'] },
  done: { name: '已办结', statuses: ['closed', 'rejected', 'referred_street', 'referred_court'] },
} satisfies Record<string, { name: string; statuses: DisputeStatus[] }>;
export type DisputeStaffTab = keyof typeof DISPUTE_STAFF_TABS;

export interface MediatorChoice {
  userId: string;
  name: string;
  kind: 'committee' | 'grid_worker';
  title: string;
}

export interface DisputeSessionBody {
  heldAt: string;
  place: string;
  attendees: string[];
  notes: string;
  fileIds: string[];
  shareWithParties: boolean;
}

export type DisputeOutcomeBody =
  | { outcome: 'agreement'; terms: string[] }
  | { outcome: 'no_agreement'; referral: 'street' | 'court'; reason: string };

const PAGE_SIZE = 20;

export const disputeStaffApi = {
  /** the cases of a tab I mediate, decide on or oversee: one request per state, merged newest first */
  async list(tab: DisputeStaffTab, page = 1): Promise<Page<Dispute>> {
    const pages = await Promise.all(
      DISPUTE_STAFF_TABS[tab].statuses.map((status) =>
        api.get<Page<Dispute>>('/disputes', { status, page, pageSize: PAGE_SIZE }),
      ),
    );
    const items = pages.flatMap((p) => p.items).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { items, total: pages.reduce((n, p) => n + p.total, 0), page, pageSize: PAGE_SIZE };
  },
  /** the dispute of a workflow case (a task knows only its instance), or null when I may not see it */
  async byInstance(instanceId: string): Promise<Dispute | null> {
    const page = await api.get<Page<Dispute>>('/disputes', { instanceId, pageSize: 1 });
    return page.items[0] ?? null;
  },
  mediators: (id: string) => api.get<{ items: MediatorChoice[] }>(`/disputes/${id}/mediators`),
  accept: (id: string, body: { category: DisputeCategory; mediatorUserId: string; comment?: string }) =>
    api.post<DisputeDetail>(`/disputes/${id}/acceptance`, { decision: 'accept', ...body }),
  reject: (id: string, body: { reason: string; referredTo: string }) =>
    api.post<DisputeDetail>(`/disputes/${id}/acceptance`, { decision: 'reject', ...body }),
  session: (id: string, body: DisputeSessionBody) =>
    api.post<DisputeDetail>(`/disputes/${id}/sessions`, body),
  outcome: (id: string, body: DisputeOutcomeBody) => api.post<DisputeDetail>(`/disputes/${id}/outcome`, body),
  sign: (id: string, partyId: string, fileId: string) =>
    api.post<DisputeDetail>(`/disputes/${id}/signatures`, { partyId, fileId }),
  followUp: (id: string, body: { visitedAt: string; fulfilled: boolean; note: string }) =>
    api.post<DisputeDetail>(`/disputes/${id}/follow-up`, body),
  /** 退回: back to acceptance (e.g. a conflict of interest) */
  giveBack: (id: string, reason: string) =>
    api.post<{ id: string; status: string; returnedTo: string }>(`/disputes/${id}/return`, { reason }),
  /** a party's full phone (audited by the server; never kept) */
  reveal: (id: string, partyId: string, reason: string) =>
    api.post<{ partyId: string; name: string; phone: string }>(`/disputes/${id}/reveal`, {
      partyId,
      reason,
    }),
};

/**
 * A URL the Image component can show for a file of a dispute (photos, signatures): dispute files are read
 * through GET /disputes/:id/file, with the session's token.
 */
export async function disputeFileUrl(disputeId: string, fileId: string): Promise<string> {
  const token = loadSession()?.accessToken ?? '';
  const url = urlOf(`/disputes/${disputeId}/file`, { fileId });
  if (IS_H5) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return URL.createObjectURL(await res.blob());
  }
  const res = await Taro.downloadFile({ url, header: { Authorization: `Bearer ${token}` } });
  return res.tempFilePath;
}
