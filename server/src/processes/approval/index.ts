// The approval process (issue 4). Placeholder until its module lands.
import type { ProcessModule } from '../module.js';

export const approvalModule: ProcessModule = {
  name: 'approval',
  bpmn: [],
  routes: [],
  handlers: () => ({}),
};
