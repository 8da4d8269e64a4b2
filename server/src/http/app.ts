// The Koa application: request ids, logging, metrics, errors, health, OpenAPI, and the /api/v1 routes.
import Koa from 'koa';
import Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import { ApiError, unauthenticated } from './errors.js';
import { mapDbError } from './db-errors.js';
import { readJson, readRaw } from './body.js';
import { parseOrThrow } from './validate.js';
import type { RouteDef } from './route.js';
import type { Services } from '../services.js';
import { verifyAccess } from '../auth/tokens.js';
import { loadPrincipal, type Principal } from '../policy/principal.js';
import { buildOpenApi } from './openapi.js';
import { migrationsApplied } from '../db/client.js';
import { sql } from 'drizzle-orm';
import { serveAdmin } from './static-admin.js';

export const API_PREFIX = '/api/v1';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    successStatus?: number;
    routePath?: string;
    sessionId?: string;
    userId?: string;
  }
}

async function authenticate(ctx: Koa.Context, s: Services): Promise<Principal> {
  const header = ctx.get('authorization');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match)
    throw unauthenticated('Sign in first: send the access token as "Authorization: Bearer <token>"');
  const { userId, sessionId } = await verifyAccess(s, match[1]!);
  const principal = await loadPrincipal(s.db, userId);
  if (!principal) throw unauthenticated('This account is disabled or no longer exists');
  ctx.state.sessionId = sessionId;
  ctx.state.userId = userId;
  return principal;
}

function mount(router: Router, route: RouteDef, s: Services): void {
  const fullPath = `${API_PREFIX}${route.path}`;
  router[route.method](fullPath, async (ctx) => {
    ctx.state.routePath = fullPath;
    const principal =
      route.auth === 'user' ? await authenticate(ctx, s) : (undefined as unknown as Principal);
    const params = route.params ? parseOrThrow(route.params, ctx.params, 'path') : ctx.params;
    const query = route.query ? parseOrThrow(route.query, { ...ctx.query }, 'query string') : {};
    let body: unknown = undefined;
    if (route.body) {
      if (route.bodyKind === 'raw') {
        const type = (ctx.get('content-type').split(';')[0] ?? '').trim().toLowerCase();
        if (route.rawTypes && !route.rawTypes.includes(type)) {
          throw new ApiError(
            415,
            'unsupported_media_type',
            `Send the file with one of these content types: ${route.rawTypes.join(', ')}`,
          );
        }
        body = parseOrThrow(
          route.body,
          { contentType: type, data: await readRaw(ctx, s.config.uploadLimitBytes) },
          'upload',
        );
      } else {
        body = parseOrThrow(route.body, (await readJson(ctx, s.config.bodyLimitBytes)) ?? {}, 'request body');
      }
    }
    const result = await route.handler({
      params,
      query,
      body,
      principal,
      services: s,
      koa: ctx,
      requestId: ctx.state.requestId,
    });
    if (result === undefined) {
      ctx.status = 204;
    } else {
      // a handler may choose among successes (an import that wrote answers 201, a dry run 200)
      ctx.status = ctx.state.successStatus ?? route.status ?? 200;
      ctx.body = result;
    }
  });
}

/** the router pattern a request's path matched (also when its method did not), if any */
function matchedPattern(ctx: Koa.Context): string | undefined {
  const layers = (ctx as { matched?: { path: unknown; methods: string[] }[] }).matched ?? [];
  const layer = layers.find((l) => l.methods.length > 0 && typeof l.path === 'string');
  return layer?.path as string | undefined;
}

export function createApp(s: Services, routes: RouteDef[]): Koa {
  const app = new Koa({ proxy: true });
  const router = new Router();

  app.use(async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    ctx.state.requestId = /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ApiError(404, 'not_found', `There is no ${ctx.method} ${ctx.path}`);
      }
      if (ctx.status === 405) {
        ctx.body = {
          error: { id: 'method_not_allowed', message: `${ctx.method} is not allowed on ${ctx.path}` },
        };
      } else if (ctx.status === 501 && ctx.body === undefined) {
        ctx.body = {
          error: {
            id: 'not_implemented',
            message: `This server does not implement the method ${ctx.method}`,
          },
        };
      }
    } catch (caught) {
      const err = mapDbError(caught) ?? caught;
      if (err instanceof ApiError) {
        ctx.status = err.status;
        ctx.body = {
          error: { id: err.id, message: err.message, ...(err.details ? { details: err.details } : {}) },
        };
      } else {
        ctx.status = 500;
        ctx.body = {
          error: {
            id: 'internal',
            message: `Something went wrong on our side (request ${ctx.state.requestId})`,
          },
        };
        s.logger.error(
          { err, requestId: ctx.state.requestId, route: ctx.state.routePath },
          'unhandled error',
        );
      }
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // a label is the route pattern, never the raw path: ids in paths would grow the metrics without bound
      const route = ctx.state.routePath ?? matchedPattern(ctx) ?? 'unmatched';
      s.metrics.httpDuration.labels(ctx.method, route, String(ctx.status)).observe(seconds);
      s.logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          route,
          status: ctx.status,
          ms: Math.round(seconds * 1000),
          userId: ctx.state.userId,
        },
        'request',
      );
    }
  });

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await s.store.rows(sql`select 1`);
      const migrated = await migrationsApplied(s.store);
      ctx.status = migrated ? 200 : 503;
      ctx.body = { status: migrated ? 'ready' : 'migrations_pending', database: s.store.driver };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'database_unreachable', database: s.store.driver };
    }
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = s.metrics.registry.contentType;
    ctx.body = await s.metrics.registry.metrics();
  });
  const openapi = buildOpenApi(routes);
  router.get(`${API_PREFIX}/openapi.json`, (ctx) => {
    ctx.body = openapi;
  });
  for (const route of routes) mount(router, route, s);

  // the admin console's production build at /admin (when admin/dist, or ADMIN_DIST, exists)
  app.use(serveAdmin(s.config.adminDist));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
