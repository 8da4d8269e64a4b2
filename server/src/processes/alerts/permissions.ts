// Who may do what with device alerts; merged into the one table (policy/permissions.ts).
//   alerts.read     grid workers their grid, admins their area; property staff only the building faults routed
//                   to their company (narrowed in domain.ts)
//   alerts.update   grid workers and community admins acknowledge, verify, resolve and close
//   alerts.manage   community admins keep the grids' alert duty roster and the community's alert type settings
//   devices.read    staff of the area see the devices and whether they are online
//   devices.manage  community admins register devices and device bridges (and rotate a bridge's secret)
// Face snapshots are shown only to grid workers and community admins (FACE_VIEWERS), every view audited.
import type { Role, Table } from '../../policy/permissions.js';

export const FACE_VIEWERS: Role[] = ['grid_worker', 'community_admin'];

export const permissions: Partial<Record<Role, Table>> = {
  grid_worker: { alerts: { read: 'subtree', update: 'subtree' }, devices: { read: 'subtree' } },
  property_staff: { alerts: { read: 'subtree' }, devices: { read: 'subtree' } },
  community_admin: {
    alerts: { read: 'subtree', update: 'subtree', manage: 'subtree' },
    devices: { read: 'subtree', manage: 'subtree' },
  },
  street_admin: { alerts: { read: 'subtree' }, devices: { read: 'subtree' } },
  district_admin: { alerts: { read: 'subtree' }, devices: { read: 'subtree' } },
};
