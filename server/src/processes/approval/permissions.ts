// Who may do what with the approval process's own resources; merged into the one table (policy/permissions.ts).
//   approval_items – the catalogue: residents read the published items offered where they live (self); staff
//                    read those of their area and of the units above it; admins manage (create, update) theirs.
//   approvals      – applications: a resident's own (self: they applied, or were applied for at the window);
//                    grid workers and admins read and work those of their area and enter window applications;
//                    admins supervise (督办 list, urging) and read the statistics; grid workers and community
//                    admins may reveal personal form values in full (with a reason, audited).
// Which step a staff member may work is narrowed further by the diagram's candidate groups (policy/workflow.ts).
import type { Role, Table } from '../../policy/permissions.js';

const RESIDENT: Table = {
  approval_items: { read: 'self' },
  approvals: { read: 'self', create: 'self', update: 'self' },
};

const WORKER: Table = {
  approval_items: { read: 'subtree' },
  approvals: { read: 'subtree', create: 'subtree', update: 'subtree', reveal: 'subtree' },
};

const ADMIN: Table = {
  approval_items: { read: 'subtree', manage: 'subtree' },
  approvals: { read: 'subtree', create: 'subtree', update: 'subtree', supervise: 'subtree' },
};

export const permissions: Partial<Record<Role, Table>> = {
  resident: RESIDENT,
  volunteer: RESIDENT,
  grid_worker: WORKER,
  // the community's own staff may read personal form values in full (audited), as they may residents'
  community_admin: { ...ADMIN, approvals: { ...ADMIN.approvals, reveal: 'subtree' } },
  street_admin: ADMIN,
  district_admin: ADMIN,
};
