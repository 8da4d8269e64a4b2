// The approval process (审批 · 事项代办, issue 4): the catalogue of items, applications online and at the
// window, pre-review with supplements that stop the clock, accept → handle → review → conclude, time limits
// in working days with the 80% warning and the supervision list, ratings and the office's statistics.
import type { ProcessModule } from '../module.js';
import { approvalHandlers } from './handlers.js';
import { approvalRoutes } from './routes.js';

export const approvalModule: ProcessModule = {
  name: 'approval',
  ownsTaskSteps: true,
  bpmn: ['approval.bpmn'],
  routes: approvalRoutes,
  handlers: (s) => approvalHandlers(s),
};
