// The repair request process (物业报修): bpmn/processes/repair.bpmn, its service tasks (handlers.ts), the
// repair API (routes.ts), the duty roster (duty.ts) and the conversion of community events (convert.ts).
// docs/processes/repair.md describes it for users and for admins who edit the diagram.
import type { ProcessModule } from '../module.js';
import { mapWorkflowErrors } from '../../workflow/errors.js';
import { dutyRoutes } from './duty.js';
import { repairHandlers } from './handlers.js';
import { queueRoutes } from './queue.js';
import { repairRoutes } from './routes.js';

export const repairModule: ProcessModule = {
  name: 'repair',
  ownsTaskSteps: true,
  bpmn: ['repair.bpmn'],
  routes: mapWorkflowErrors([...repairRoutes, ...dutyRoutes, ...queueRoutes]),
  handlers: repairHandlers,
};
