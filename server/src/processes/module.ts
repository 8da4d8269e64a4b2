// A community process as the server sees it: its BPMN file(s) in bpmn/processes/, the domain actions behind
// its service tasks, and its own API routes. Each process lives in its own folder here; the lists in
// index.ts compose them into the router, the handler registry and the deployment at start.
import type { ServiceHandler } from '@linli/workflows';
import type { RouteDef } from '../http/route.js';
import type { Principal } from '../policy/principal.js';
import type { Services } from '../services.js';

export interface ProcessModule {
  name: string;
  /** file names under bpmn/processes/, deployed at start (identical XML makes no new version) */
  bpmn: string[];
  routes: RouteDef[];
  /**
   * true: its user tasks are completed, returned and withdrawn only through its own API, which records what
   * the step is about (photos, materials, a mediation outcome); the generic task routes answer 409 for them.
   * Claiming, handing over, urging and commenting stay generic.
   */
  ownsTaskSteps?: boolean;
  /**
   * May this person read the case (and so the files filed with it) by the process's own rules, beyond the
   * generic ones (its starter, staff of its area)? E.g. the volunteer who did a wish reads its photos.
   */
  mayReadCase?(s: Services, p: Principal, instanceId: string): Promise<boolean>;
  /** service-task handlers by topic; each runs at least once per execution and must be idempotent by `key` */
  handlers(s: Services): Record<string, ServiceHandler>;
}
