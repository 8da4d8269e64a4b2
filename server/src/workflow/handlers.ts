// The product's service-task handlers, by the name a diagram gives them (`camunda:topic`). Each runs at
// least once per execution and must be idempotent by `key`. The community processes (issue 4) add theirs.
import type { ServiceHandler } from '@linli/workflows';
import type { Services } from '../services.js';

export function serviceHandlers(_s: Services): Record<string, ServiceHandler> {
  return {};
}
