// The dispute mediation process (矛盾调解, issue 4): bpmn/processes/dispute-mediation.bpmn, its service tasks
// (handlers.ts) and its API (routes.ts). See docs/processes/dispute.md.
import type { ProcessModule } from '../module.js';
import { disputeHandlers } from './handlers.js';
import { disputeRoutes } from './routes.js';

export const disputeModule: ProcessModule = {
  name: 'dispute',
  ownsTaskSteps: true,
  bpmn: ['dispute-mediation.bpmn'],
  routes: disputeRoutes,
  handlers: (s) => disputeHandlers(s),
};
