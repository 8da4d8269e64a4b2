// Who may do what with disputes; merged into the one table (policy/permissions.ts).
// These grants only open the door: a dispute is sensitive, so every route then checks the caller's part in
// the case (domain.ts `entitlement`): a party, the registrant, the mediator, a committee member deciding on
// acceptance, or an admin whose area holds it (`supervise`). A grid worker's `read` does NOT reach every
// dispute of their grid; property staff and technicians have no grant at all.
import type { Role, Table } from '../../policy/permissions.js';

export const permissions: Partial<Record<Role, Table>> = {
  resident: { disputes: { read: 'self', create: 'self', update: 'self' } },
  volunteer: { disputes: { read: 'self', create: 'self', update: 'self' } },
  grid_worker: { disputes: { read: 'subtree', create: 'subtree', update: 'subtree' } },
  community_admin: {
    disputes: {
      read: 'subtree',
      create: 'subtree',
      update: 'subtree',
      reveal: 'subtree',
      supervise: 'subtree',
      manage: 'subtree',
    },
  },
  street_admin: {
    disputes: {
      read: 'subtree',
      create: 'subtree',
      update: 'subtree',
      reveal: 'subtree',
      supervise: 'subtree',
      manage: 'subtree',
    },
  },
  district_admin: { disputes: { read: 'subtree', update: 'subtree', supervise: 'subtree' } },
};
