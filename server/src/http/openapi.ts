// OpenAPI 3.1 generated from the same route list and zod schemas that validate requests.
import { z } from 'zod';
import type { RouteDef } from './route.js';

type Json = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  try {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
    delete json.$schema;
    return json;
  } catch {
    return {};
  }
};

const ErrorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['id', 'message'],
      properties: { id: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

function parametersOf(route: RouteDef): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, 'input');
    const props = (json.properties ?? {}) as Record<string, Json>;
    const required = new Set((json.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: prop });
    }
  }
  return out;
}

export function buildOpenApi(routes: RouteDef[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = `/api/v1${route.path.replace(/:(\w+)/g, '{$1}')}`;
    const op: Json = {
      summary: route.summary,
      tags: [route.tag],
      parameters: parametersOf(route),
      security: route.auth === 'user' ? [{ bearer: [] }] : [],
      responses: {
        [String(route.status ?? 200)]: {
          description: 'Success',
          ...(route.response
            ? { content: { 'application/json': { schema: toSchema(route.response, 'output') } } }
            : {}),
        },
        '4XX': {
          description: 'The request was refused',
          content: { 'application/json': { schema: ErrorBody } },
        },
      },
    };
    if (route.body) {
      op.requestBody =
        route.bodyKind === 'raw'
          ? {
              required: true,
              content: Object.fromEntries(
                (route.rawTypes ?? ['application/octet-stream']).map((t) => [
                  t,
                  { schema: { type: 'string', format: 'binary' } },
                ]),
              ),
            }
          : { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } };
    }
    (paths[path] ??= {})[route.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Linli (邻里) API', version: '1.0.0', description: 'Smart-community platform API' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
