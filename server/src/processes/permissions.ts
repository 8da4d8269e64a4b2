// Each community process's permission fragment, for the one table in policy/permissions.ts.
import { permissions as repair } from './repair/permissions.js';
import { permissions as dispute } from './dispute/permissions.js';
import { permissions as approval } from './approval/permissions.js';
import { permissions as volunteer } from './volunteer/permissions.js';
import { permissions as events } from './events/permissions.js';
import { permissions as alerts } from './alerts/permissions.js';

export const PROCESS_PERMISSIONS = [repair, dispute, approval, volunteer, events, alerts];
