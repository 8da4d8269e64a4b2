// Who may do what with the approval process's own resources; merged into the one table (policy/permissions.ts).
import type { Role, Table } from '../../policy/permissions.js';

export const permissions: Partial<Record<Role, Table>> = {};
