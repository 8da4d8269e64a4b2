// The workflow API: definitions, cases, tasks and incidents. Runtime errors become API errors in one place.
import type { RouteDef } from '../../http/route.js';
import { mapWorkflowErrors } from '../../workflow/errors.js';
import { definitionRoutes } from './definitions.js';
import { incidentRoutes } from './incidents.js';
import { instanceRoutes } from './instances.js';
import { taskRoutes } from './tasks.js';

export const workflowRoutes: RouteDef[] = mapWorkflowErrors([
  ...definitionRoutes,
  ...instanceRoutes,
  ...taskRoutes,
  ...incidentRoutes,
]);
