// The product's service-task handlers, by the name a diagram gives them (`camunda:topic`). Each runs at
// least once per execution and must be idempotent by `key`. The community processes bring theirs
// (server/src/processes/*), plus the shared ones (processes/shared/handlers.ts: notify …).
import type { ServiceHandler } from '@linli/workflows';
import type { Services } from '../services.js';
import { processHandlers } from '../processes/index.js';

export function serviceHandlers(s: Services): Record<string, ServiceHandler> {
  return processHandlers(s);
}
