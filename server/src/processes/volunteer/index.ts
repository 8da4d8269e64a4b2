// The volunteer process (issue 4): micro-wishes (微心愿) and volunteer activities reviewed by the community,
// claimed by registered volunteers and confirmed by the owner or organiser; points credited to a ledger once
// per cause; a points mall whose redemptions reserve stock and debit points atomically.
import type { ProcessModule } from '../module.js';
import { mapWorkflowErrors } from '../../workflow/errors.js';
import { volunteerHandlers } from './handlers.js';
import { volunteerRoutes } from './routes.js';
import { eq } from 'drizzle-orm';
import { accessTo } from './domain.js';
import { volunteerActivities } from './schema.js';

export const VOLUNTEER_BPMN = ['volunteer-wish.bpmn', 'volunteer-activity.bpmn'];

export const volunteerModule: ProcessModule = {
  name: 'volunteer',
  bpmn: VOLUNTEER_BPMN,
  routes: mapWorkflowErrors(volunteerRoutes),
  handlers: (s) => volunteerHandlers(s),
  // its owner, the volunteers who took part and staff read a wish's or activity's files (as its timeline);
  // neighbours who may browse a published wish do not
  mayReadCase: async (s, p, instanceId) => {
    const [row] = await s.db
      .select()
      .from(volunteerActivities)
      .where(eq(volunteerActivities.instanceId, instanceId))
      .limit(1);
    if (!row) return false;
    const access = await accessTo(s, p, row);
    return access.owner || access.participant || access.staff;
  },
};
