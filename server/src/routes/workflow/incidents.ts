// Incidents: service tasks that failed on every attempt. Admins see those of cases in their area and retry
// them once the cause is fixed.
import { IdParams, Incident, IncidentQuery, pageOf as pageSchema } from '@linli/contracts';
import { defineRoute, type RouteDef } from '../../http/route.js';
import { conflict, notFound } from '../../http/errors.js';
import { authorize, requirePermission } from '../../policy/policy.js';
import { presentIncident } from '../../workflow/present.js';
import { findJob, listIncidents } from '../../workflow/queries.js';

const list = defineRoute({
  method: 'get',
  path: '/incidents',
  summary: 'Service tasks that failed every attempt, in cases of your area',
  tag: 'workflow',
  auth: 'user',
  query: IncidentQuery,
  response: pageSchema(Incident),
  handler: async ({ query, principal, services: s }) => {
    const scope = requirePermission(principal, 'incidents', 'read');
    const page = await listIncidents(s.db, scope, query);
    return { ...page, items: page.items.map((r) => presentIncident(r.job, r.processId)) };
  },
});

const retry = defineRoute({
  method: 'post',
  path: '/incidents/:id/retry',
  summary: 'Run a failed service task again now, with a fresh set of attempts',
  tag: 'workflow',
  auth: 'user',
  params: IdParams,
  response: Incident,
  matrix: { target: 'incident' },
  handler: async ({ params, principal, services: s }) => {
    requirePermission(principal, 'incidents', 'update');
    const found = await findJob(s.db, params.id);
    if (!found) throw notFound('Incident', params.id);
    authorize(principal, 'incidents', 'update', { orgPath: found.orgPath ?? '' }, 'Incident', params.id);
    if (found.job.status !== 'incident')
      throw conflict(`This job is ${found.job.status}, not an incident: someone retried it already`);
    await s.workflow.runtime.retryIncident(found.job.id);
    const after = await s.workflow.store.getJob(found.job.id);
    return presentIncident(after ?? found.job, found.processId);
  },
});

export const incidentRoutes: RouteDef[] = [list, retry];
