// The community processes, composed: routes for the router, service-task handlers for the runtime, and the
// BPMN files deployed at start.
import type { ServiceHandler } from '@linli/workflows';
import type { RouteDef } from '../http/route.js';
import type { Services } from '../services.js';
import type { ProcessModule } from './module.js';
import { repairModule } from './repair/index.js';
import { disputeModule } from './dispute/index.js';
import { approvalModule } from './approval/index.js';
import { volunteerModule } from './volunteer/index.js';
import { eventsModule } from './events/index.js';
import { alertsModule } from './alerts/index.js';
import { sharedHandlers } from './shared/handlers.js';

export const PROCESS_MODULES: ProcessModule[] = [
  repairModule,
  disputeModule,
  approvalModule,
  volunteerModule,
  eventsModule,
  alertsModule,
];

export const processRoutes: RouteDef[] = PROCESS_MODULES.flatMap((m) => m.routes);

export function processHandlers(s: Services): Record<string, ServiceHandler> {
  const all: Record<string, ServiceHandler> = { ...sharedHandlers(s) };
  for (const m of PROCESS_MODULES) {
    for (const [topic, handler] of Object.entries(m.handlers(s))) {
      if (all[topic]) throw new Error(`service-task topic ${topic} is registered twice (${m.name})`);
      all[topic] = handler;
    }
  }
  return all;
}
