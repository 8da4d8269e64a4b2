// The repair process (issue 4). Placeholder until its module lands.
import type { ProcessModule } from '../module.js';

export const repairModule: ProcessModule = {
  name: 'repair',
  bpmn: [],
  routes: [],
  handlers: () => ({}),
};
