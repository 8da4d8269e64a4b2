// The events process (issue 4). Placeholder until its module lands.
import type { ProcessModule } from '../module.js';

export const eventsModule: ProcessModule = {
  name: 'events',
  bpmn: [],
  routes: [],
  handlers: () => ({}),
};
