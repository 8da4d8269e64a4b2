// Shared vocabulary of the authorisation matrix (policy/matrix.test.ts), so that each community process can
// write its own rows (processes/<name>/matrix.ts) next to its routes.
import { ROLE_NAMES, type Role } from '../policy/permissions.js';
import type { Services } from '../services.js';
import type { World } from './world.js';

/** in: roles that may use the route on their own world; out: roles that may on the other world */
export interface Expectation {
  in: Role[];
  out?: Role[] | 'not-scoped';
  why?: string;
}

/** Makes, in one test world, the records the routes' `:id`s name; adds their ids to `world.ids`. */
export type MatrixFixtures = (s: Services, world: World) => Promise<void>;

export const ALL: Role[] = [...ROLE_NAMES];
export const ADMINS: Role[] = ['community_admin', 'street_admin', 'district_admin'];
export const STAFF_READERS: Role[] = [
  'grid_worker',
  'property_staff',
  'community_admin',
  'street_admin',
  'district_admin',
];
export const SELF_AND_STAFF: Role[] = ['resident', 'volunteer', ...STAFF_READERS];
export const GRID: Role[] = ['grid_worker', 'community_admin'];
export const STAFF: Role[] = ['technician', ...STAFF_READERS];
