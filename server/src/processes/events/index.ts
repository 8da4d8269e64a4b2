// The events process (issue 4): community events, the closed loop 发现 → 上报 → 派单 → 处置 → 反馈 → 评价.
// Diagram: bpmn/processes/community-event.bpmn (process community_event). See docs/processes/events.md.
import type { ProcessModule } from '../module.js';
import { eventHandlers } from './handlers.js';
import { eventRoutes } from './routes.js';

export const eventsModule: ProcessModule = {
  name: 'events',
  ownsTaskSteps: true,
  bpmn: ['community-event.bpmn'],
  routes: eventRoutes,
  handlers: (s) => eventHandlers(s),
};
