// The volunteer process (issue 4). Placeholder until its module lands.
import type { ProcessModule } from '../module.js';

export const volunteerModule: ProcessModule = {
  name: 'volunteer',
  bpmn: [],
  routes: [],
  handlers: () => ({}),
};
