// Every API route, in one list: the router, the OpenAPI document and the authorisation matrix test read it.
import type { RouteDef } from '../http/route.js';
import { authRoutes } from './auth.js';
import { orgRoutes } from './org-units.js';
import { addressRoutes } from './address.js';
import { residentRoutes } from './residents.js';
import { bindingRoutes } from './bindings.js';
import { organisationRoutes } from './organisations.js';
import { userRoutes } from './users.js';
import { auditRoutes } from './audit.js';
import { statsRoutes } from './stats.js';
import { importRoutes } from './imports.js';
import { workflowRoutes } from './workflow/index.js';
import { fileRoutes } from './files.js';
import { processRoutes } from '../processes/index.js';
import { notifyRoutes } from '../notify/routes.js';
import { noticeRoutes } from './notices.js';

export const allRoutes: RouteDef[] = [
  ...authRoutes,
  ...orgRoutes,
  ...addressRoutes,
  ...residentRoutes,
  ...bindingRoutes,
  ...organisationRoutes,
  ...userRoutes,
  ...auditRoutes,
  ...importRoutes,
  ...statsRoutes,
  ...workflowRoutes,
  ...fileRoutes,
  ...processRoutes,
  ...notifyRoutes,
  ...noticeRoutes,
];
