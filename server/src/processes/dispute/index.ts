// The dispute process (issue 4). Placeholder until its module lands.
import type { ProcessModule } from '../module.js';

export const disputeModule: ProcessModule = {
  name: 'dispute',
  bpmn: [],
  routes: [],
  handlers: () => ({}),
};
