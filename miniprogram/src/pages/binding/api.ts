// The calls of 绑定房屋, through the app's one HTTP client: search the standard address directory (GET /rooms,
// open to everyone signed in), ask to be bound to a room (POST /me/household-bindings, a staff member verifies
// it), and read my bindings with their state and the reviewer's note.
import type { Me } from '@linli/contracts';
import { api, type Binding as ListedBinding, type Page } from '../../services';

/** a binding as the server lists it, with when it was reviewed */
export type Binding = ListedBinding & { reviewedAt: string | null; createdAt: string };

export interface RoomHit {
  id: string;
  standardAddress: string;
  number: string;
}

/** the relations a binding may have (contracts Relation), in the order they are offered */
export const RELATIONS = ['owner', 'family', 'tenant'] as const;
export type Relation = (typeof RELATIONS)[number];

export const PAGE_SIZE = 20;

export const bindingApi = {
  searchRooms: (q: string, page = 1) => api.get<Page<RoomHit>>('/rooms', { q, page, pageSize: PAGE_SIZE }),
  request: (body: { roomId: string; relation: Relation; name?: string }) =>
    api.post<Binding>('/me/household-bindings', body),
  /** my bindings, newest first (none before my first request: the resident record comes with it) */
  async mine(me: Me): Promise<Binding[]> {
    if (!me.residentId) return [];
    return (await api.get<Page<Binding>>('/household-bindings', { residentId: me.residentId, pageSize: 50 }))
      .items;
  },
};
