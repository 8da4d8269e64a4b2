// A community process as the server sees it: its BPMN file(s) in bpmn/processes/, the domain actions behind
// its service tasks, and its own API routes. Each process lives in its own folder here; the lists in
// index.ts compose them into the router, the handler registry and the deployment at start.
import type { ServiceHandler } from '@linli/workflows';
import type { RouteDef } from '../http/route.js';
import type { Services } from '../services.js';

export interface ProcessModule {
  name: string;
  /** file names under bpmn/processes/, deployed at start (identical XML makes no new version) */
  bpmn: string[];
  routes: RouteDef[];
  /** service-task handlers by topic; each runs at least once per execution and must be idempotent by `key` */
  handlers(s: Services): Record<string, ServiceHandler>;
}
