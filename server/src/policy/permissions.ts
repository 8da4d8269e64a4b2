// The one table of who may do what. A permission is granted over a scope:
//   subtree – records whose org path lies under the grant's org unit
//   self    – the caller's own records (their resident record, household, rooms, bindings, vehicles)
//   any     – every record (the public address directory: org units, compounds, buildings, units, rooms)
// Roles that are not listed for a resource/action have no access to it.
import { RoleName } from '@linli/contracts';
import { PROCESS_PERMISSIONS } from '../processes/permissions.js';
// Workflow resources: `definitions` are processes shared by every district (scope any); `instances` are
// cases, a resident's own (self = they started it) or those in a staff member's area; `tasks` in a subtree
// are further narrowed by policy/workflow.ts to the tasks of the holder's candidate groups, and
// `supervise` lets admins act on any task in their area (urge, transfer, take over).
// the role names are the API's (contracts); the database's enum (db/schema.ts ROLES) is checked against them
export const ROLE_NAMES = RoleName.options;
export type Role = RoleName;

export const RESOURCES = [
  'org_units',
  'property_companies',
  'compounds',
  'buildings',
  'units',
  'rooms',
  'residents',
  'household_bindings',
  'organisations',
  'vehicles',
  'users',
  'audit_log',
  'imports',
  'definitions',
  'instances',
  'tasks',
  'incidents',
  // files attached to cases (staff read those of cases in their area; uploaders always read their own)
  'files',
  // notification settings of an area: its grids' WeCom robots (the inbox is everyone's own and needs no grant)
  'notifications',
  // the community processes (server/src/processes/*): each grants its roles in its own permissions.ts,
  // merged into this table below
  'repairs',
  'disputes',
  'approval_items',
  'approvals',
  'volunteer_activities',
  'points',
  'mall_items',
  'redemptions',
  'events',
  // device alerts (server/src/alerts, processes/alerts): alerts, and the devices, bridges and duty roster behind them
  'alerts',
  'devices',
  // notices (社区公告) and party-building news (党建): admins write them; readers are found by community
  'notices',
] as const;
export type Resource = (typeof RESOURCES)[number];

export type Action =
  'read' | 'create' | 'update' | 'reveal' | 'verify' | 'import' | 'supervise' | 'review' | 'manage';
export type Scope = 'subtree' | 'self' | 'any';

export type Table = Partial<Record<Resource, Partial<Record<Action, Scope>>>>;

/** open to everyone signed in, also before they have a role or a room (policy.ts scopeFor) */
export const ADDRESS_DIRECTORY: Table = {
  org_units: { read: 'any' },
  compounds: { read: 'any' },
  buildings: { read: 'any' },
  units: { read: 'any' },
  rooms: { read: 'any' },
};

const SELF: Table = {
  ...ADDRESS_DIRECTORY,
  residents: { read: 'self', update: 'self' },
  household_bindings: { read: 'self', create: 'self' },
  vehicles: { read: 'self', create: 'self' },
  instances: { read: 'self', create: 'self' },
  tasks: { read: 'self', update: 'self' },
};

/** every staff role: read the shared processes, start and follow cases in their area, work their tasks */
const CASE_WORK: Table = {
  definitions: { read: 'any' },
  instances: { read: 'subtree', create: 'subtree' },
  tasks: { read: 'subtree', update: 'subtree' },
};

/** admins: deploy processes, cancel cases, supervise every task and fix failed service tasks in their area */
const CASE_OVERSIGHT: Table = {
  definitions: { read: 'any', create: 'any' },
  instances: { read: 'subtree', create: 'subtree', update: 'subtree' },
  tasks: { read: 'subtree', update: 'subtree', supervise: 'subtree' },
  incidents: { read: 'subtree', update: 'subtree' },
};

const GRID_WORK: Table = {
  ...ADDRESS_DIRECTORY,
  ...CASE_WORK,
  rooms: { read: 'any', update: 'subtree' },
  residents: { read: 'subtree', create: 'subtree', update: 'subtree', reveal: 'subtree' },
  household_bindings: { read: 'subtree', create: 'subtree', verify: 'subtree' },
  organisations: { read: 'subtree', create: 'subtree', update: 'subtree' },
  vehicles: { read: 'subtree', create: 'subtree', update: 'subtree' },
};

const OVERSIGHT: Table = {
  ...ADDRESS_DIRECTORY,
  ...CASE_OVERSIGHT,
  org_units: { read: 'any', create: 'subtree', update: 'subtree' },
  property_companies: { read: 'subtree', create: 'subtree', update: 'subtree' },
  residents: { read: 'subtree' },
  household_bindings: { read: 'subtree' },
  organisations: { read: 'subtree' },
  vehicles: { read: 'subtree' },
  users: { read: 'subtree', create: 'subtree', update: 'subtree' },
  audit_log: { read: 'subtree' },
};

const BASE: Record<Role, Table> = {
  resident: SELF,
  volunteer: SELF,
  grid_worker: GRID_WORK,
  property_staff: {
    ...ADDRESS_DIRECTORY,
    ...CASE_WORK,
    rooms: { read: 'any', update: 'subtree' },
    property_companies: { read: 'subtree' },
    residents: { read: 'subtree', reveal: 'subtree' },
    household_bindings: { read: 'subtree', verify: 'subtree' },
    vehicles: { read: 'subtree', create: 'subtree', update: 'subtree' },
  },
  technician: { ...ADDRESS_DIRECTORY, ...CASE_WORK, property_companies: { read: 'subtree' } },
  community_admin: {
    ...GRID_WORK,
    ...OVERSIGHT,
    compounds: { read: 'any', create: 'subtree', update: 'subtree' },
    buildings: { read: 'any', create: 'subtree', update: 'subtree' },
    units: { read: 'any', create: 'subtree', update: 'subtree' },
    rooms: { read: 'any', create: 'subtree', update: 'subtree' },
    residents: GRID_WORK.residents,
    household_bindings: GRID_WORK.household_bindings,
    organisations: GRID_WORK.organisations,
    vehicles: GRID_WORK.vehicles,
    imports: { create: 'subtree' },
  },
  street_admin: OVERSIGHT,
  district_admin: OVERSIGHT,
};

/** files of cases: staff read those filed with cases of their area */
const FILES: Partial<Record<Role, Table>> = Object.fromEntries(
  ['grid_worker', 'property_staff', 'technician', 'community_admin', 'street_admin', 'district_admin'].map(
    (r) => [r, { files: { read: 'subtree' } }],
  ),
);

/** notification settings: admins see and set the work-group robots of the grids in their area */
const NOTIFICATIONS: Partial<Record<Role, Table>> = Object.fromEntries(
  ['community_admin', 'street_admin', 'district_admin'].map((r) => [
    r,
    { notifications: { read: 'subtree', manage: 'subtree' } },
  ]),
);

/** notices: admins write those of their area; everyone reads the published ones of their own communities */
const NOTICES: Partial<Record<Role, Table>> = Object.fromEntries(
  ROLE_NAMES.map((r) => [
    r,
    {
      notices: ['community_admin', 'street_admin', 'district_admin'].includes(r)
        ? { read: 'subtree', manage: 'subtree' }
        : r === 'resident' || r === 'volunteer'
          ? { read: 'self' }
          : { read: 'subtree' },
    },
  ]),
);

/**
 * The one table: the base above plus each community process's own resources (server/src/processes/<name>/
 * permissions.ts). A fragment may only add resources the base does not grant, never widen one.
 */
export const PERMISSIONS: Record<Role, Table> = mergePermissions(BASE, [
  FILES,
  NOTIFICATIONS,
  NOTICES,
  ...PROCESS_PERMISSIONS,
]);

function mergePermissions(base: Record<Role, Table>, fragments: Partial<Record<Role, Table>>[]) {
  const out = Object.fromEntries(ROLE_NAMES.map((r) => [r, { ...base[r] }])) as Record<Role, Table>;
  for (const fragment of fragments) {
    for (const [role, table] of Object.entries(fragment) as [Role, Table][]) {
      for (const [resource, actions] of Object.entries(table) as [Resource, Table[Resource]][]) {
        if (base[role][resource]) throw new Error(`a process may not change ${role}'s grant on ${resource}`);
        out[role][resource] = { ...out[role][resource], ...actions };
      }
    }
  }
  return out;
}

/** Which personal fields a role may reveal in full (always audited). */
export const REVEALABLE: Partial<Record<Role, readonly ('idNumber' | 'phone')[]>> = {
  grid_worker: ['idNumber', 'phone'],
  community_admin: ['idNumber', 'phone'],
  property_staff: ['phone'],
};

/** Roles an administrator may grant, by the administrator's role. Nobody grants above their own level. */
export const GRANTABLE: Partial<Record<Role, readonly Role[]>> = {
  community_admin: ['volunteer', 'grid_worker', 'property_staff', 'technician', 'community_admin'],
  street_admin: [
    'volunteer',
    'grid_worker',
    'property_staff',
    'technician',
    'community_admin',
    'street_admin',
  ],
  district_admin: [
    'volunteer',
    'grid_worker',
    'property_staff',
    'technician',
    'community_admin',
    'street_admin',
    'district_admin',
  ],
};

export const STAFF_ROLES: readonly Role[] = [
  'grid_worker',
  'property_staff',
  'technician',
  'community_admin',
  'street_admin',
  'district_admin',
];
