// Who may do what with community events (resource `events`):
//   read     see events (staff: their area; residents: their own reports)
//   create   report one (residents: from home; staff: patrol reports and 12345 tickets in their area)
//   update   work on them (classification and handling are further decided by the case's tasks)
//   manage   configure the event categories of their area (admins)
import type { Role, Table } from '../../policy/permissions.js';

const STAFF: Table = { events: { read: 'subtree', create: 'subtree', update: 'subtree' } };
const ADMIN: Table = { events: { read: 'subtree', create: 'subtree', update: 'subtree', manage: 'subtree' } };
const RESIDENT: Table = { events: { read: 'self', create: 'self' } };

export const permissions: Partial<Record<Role, Table>> = {
  resident: RESIDENT,
  volunteer: RESIDENT,
  grid_worker: STAFF,
  property_staff: STAFF,
  community_admin: ADMIN,
  street_admin: ADMIN,
  district_admin: ADMIN,
};
