// The signed-in resident's rooms (household bindings).
import type { Me } from '@linli/contracts';
import { api } from './http';
import type { Page } from './types';

export interface Binding {
  id: string;
  residentId: string;
  residentName: string;
  roomId: string;
  standardAddress: string;
  relation: string;
  status: 'pending' | 'verified' | 'rejected' | 'ended';
  reviewNote: string | null;
}

export const BINDING_STATUS_NAMES: Record<Binding['status'], string> = {
  pending: '审核中',
  verified: '已认证',
  rejected: '未通过',
  ended: '已解除',
};

export const RELATION_NAMES: Record<string, string> = {
  owner: '业主',
  family: '家庭成员',
  tenant: '租户',
};

export const people = {
  async myBindings(me: Me): Promise<Binding[]> {
    if (!me.residentId) return [];
    const page = await api.get<Page<Binding>>('/household-bindings', {
      residentId: me.residentId,
      pageSize: 50,
    });
    return page.items;
  },
};

/** the address without the province/city/district prefix residents do not need to read */
export const shortAddress = (a: string) => a.replace(/^.*?社区/, '');
