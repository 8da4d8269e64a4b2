// A route is data: method, path, schemas, the policy resource it touches, and a handler. The same list
// mounts the router, generates the OpenAPI document and drives the authorisation-matrix test, so a new
// route cannot skip any of them.
import type Koa from 'koa';
import type { z } from 'zod';
import type { Principal } from '../policy/principal.js';
import type { Services } from '../services.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** What the matrix test needs to call a route: which fixture its `:id` names, and a valid body. */
export interface MatrixHints {
  /** the kind of record the path's `:id` refers to (a fixture key of the matrix test) */
  target?: string;
  /** a valid body for this route, given the fixture ids of the target's world */
  body?: (fixture: Record<string, string>) => unknown;
  /** a valid query string for this route */
  query?: (fixture: Record<string, string>) => Record<string, string>;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** the signed-in person; undefined only on public routes */
  principal: Principal;
  services: Services;
  koa: Koa.Context;
  requestId: string;
}

export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** path below /api/v1, in koa-router syntax (`/residents/:id`) */
  path: string;
  summary: string;
  tag: string;
  /** public routes need no session; every other route needs a valid access token */
  auth: 'public' | 'user';
  params?: P;
  query?: Q;
  body?: B;
  /** `json` (default when a body schema is given) or `raw` (a file upload sent as the body) */
  bodyKind?: 'json' | 'raw';
  /** content types accepted for raw bodies */
  rawTypes?: string[];
  /** status of a successful answer (default 200) */
  status?: number;
  response?: z.ZodType;
  matrix?: MatrixHints;
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>;
}

/** Identity function that keeps the schemas' types flowing into the handler. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  def: RouteDef<P, Q, B>,
): RouteDef {
  return def as unknown as RouteDef;
}
