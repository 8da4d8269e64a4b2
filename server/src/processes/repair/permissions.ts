// Who may do what with repairs; merged into the one table (policy/permissions.ts).
//   read       residents their own reports (self); staff those of their area (technicians: only their jobs,
//              narrowed in domain.ts); admins supervise
//   create     residents for their rooms; grid workers, property staff and community admins for rooms and
//              public areas of their area
//   update     technicians work the jobs dispatched to them (accept, fix, send back, resume)
//   manage     property staff dispatch by hand, take over the automatic choice, keep the duty roster
//   review     property staff (the manager) review badly rated repairs
//   supervise  grid workers and community admins handle repairs that are not the property's
import type { Role, Table } from '../../policy/permissions.js';

export const permissions: Partial<Record<Role, Table>> = {
  resident: { repairs: { read: 'self', create: 'self' } },
  volunteer: { repairs: { read: 'self', create: 'self' } },
  grid_worker: { repairs: { read: 'subtree', create: 'subtree', supervise: 'subtree' } },
  property_staff: { repairs: { read: 'subtree', create: 'subtree', manage: 'subtree', review: 'subtree' } },
  technician: { repairs: { read: 'subtree', update: 'subtree' } },
  community_admin: { repairs: { read: 'subtree', create: 'subtree', supervise: 'subtree' } },
  street_admin: { repairs: { read: 'subtree' } },
  district_admin: { repairs: { read: 'subtree' } },
};
