// The HTTP surface as a client meets it: bad input of every kind gets a clear 4xx and changes nothing;
// errors never leak internals; health, readiness, metrics and the OpenAPI document answer; logs hide
// personal data.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { issueSession } from '../auth/tokens.js';
import { allRoutes } from '../routes/index.js';
import { createApp } from './app.js';
import { defineRoute } from './route.js';
import { createMetrics } from './metrics.js';
import { createLogger } from '../lib/logger.js';

let server: TestServer;
let world: World;
let admin: string;

beforeAll(async () => {
  server = await createTestServer({ BODY_LIMIT_KB: '1' });
  world = await buildWorld(server.services.db, server.services.vault, '甲', 1);
  admin = (await issueSession(server.services, world.users.community_admin, 'password')).accessToken;
});
afterAll(async () => server?.close());

/** how many rows the tables a refused write could have touched hold */
interface Counts {
  residents: number;
  org_units: number;
  bindings: number;
  audit: number;
}

async function counts(): Promise<Counts> {
  const [row] = await server.services.store.rows<Counts>(
    sql`select (select count(*)::int from residents) residents,
               (select count(*)::int from org_units) org_units,
               (select count(*)::int from household_bindings) bindings,
               (select count(*)::int from audit_log) audit`,
  );
  return row!;
}

/** expects `write` to be refused and to leave every table as it was */
async function refusedWithoutWriting<T>(write: () => Promise<T>): Promise<T> {
  const before = await counts();
  const result = await write();
  expect(await counts()).toEqual(before);
  return result;
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** a request through node:http, for what fetch cannot send (a body streamed without a declared length) */
function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  chunks: string[] = [],
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    // the server may answer and close before it has read all of an oversized body
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err),
    );
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const newResident = () => ({ communityId: world.ids.community, name: '新居民' });

describe('bad input', () => {
  it('accepts a well-formed write (the control for the refusals below)', async () => {
    const before = await counts();
    const res = await server.api.post('/api/v1/residents', newResident(), admin);
    expect(res.status).toBe(201);
    expect((await counts()).residents).toBe(before.residents + 1);
  });

  it('refuses malformed JSON with 400 and writes nothing', async () => {
    const res = await refusedWithoutWriting(() =>
      server.api.request('POST', '/api/v1/residents', {
        token: admin,
        raw: '{"communityId": "x", "name": ',
        contentType: 'application/json',
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.id).toBe('bad_request');
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });

  it('refuses a JSON route sent another content type with 415', async () => {
    const res = await refusedWithoutWriting(() =>
      server.api.request('POST', '/api/v1/residents', {
        token: admin,
        raw: JSON.stringify(newResident()),
        contentType: 'text/plain',
      }),
    );
    expect(res.status).toBe(415);
    expect(res.body.error.id).toBe('unsupported_media_type');
    expect(res.body.error.message).toMatch(/application\/json/);
  });

  it('refuses unknown fields with 400 naming the field', async () => {
    const res = await refusedWithoutWriting(() =>
      server.api.post('/api/v1/residents', { ...newResident(), favouriteColour: 'blue' }, admin),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.id).toBe('validation_failed');
    expect(res.body.error.message).toContain('favouriteColour');
    expect(res.body.error.details).toEqual([{ path: 'favouriteColour', message: 'is not a known field' }]);
  });

  it('names every field of the wrong type, with its path', async () => {
    const res = await refusedWithoutWriting(() =>
      server.api.post(
        '/api/v1/residents',
        { communityId: 'not-a-uuid', name: 42, tags: ['elderly', 7] },
        admin,
      ),
    );
    expect(res.status).toBe(400);
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['communityId', 'name', 'tags.1']));
    for (const path of ['communityId', 'name', 'tags.1']) expect(res.body.error.message).toContain(path);
  });

  it('names every missing field as required', async () => {
    const res = await refusedWithoutWriting(() =>
      server.api.post('/api/v1/org-units', { name: '新网格' }, admin),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'kind', message: 'is required' },
        { path: 'parentId', message: 'is required' },
      ]),
    );
  });

  it('treats an empty body as an empty object and names what is missing', async () => {
    const res = await refusedWithoutWriting(() =>
      server.api.request('POST', '/api/v1/residents', { token: admin }),
    );
    expect(res.status).toBe(400);
    expect((res.body.error.details as { path: string }[]).map((d) => d.path)).toEqual(
      expect.arrayContaining(['communityId', 'name']),
    );
  });

  it('refuses a body over BODY_LIMIT_KB with 413', async () => {
    const res = await refusedWithoutWriting(() =>
      server.api.post('/api/v1/residents', { ...newResident(), notes: 'x'.repeat(1100) }, admin),
    );
    expect(res.status).toBe(413);
    expect(res.body.error.id).toBe('payload_too_large');
    expect(res.body.error.message).toContain('1024 bytes');
  });

  it('refuses an oversized body streamed without a length with 413', async () => {
    const body = JSON.stringify({ ...newResident(), notes: 'y'.repeat(3000) });
    const res = await refusedWithoutWriting(() =>
      rawRequest(
        server.url,
        'POST',
        '/api/v1/residents',
        {
          authorization: `Bearer ${admin}`,
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
        },
        [body.slice(0, 1000), body.slice(1000, 2000), body.slice(2000)],
      ),
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.id).toBe('payload_too_large');
  });

  it('refuses a path id that is not a UUID with 400 naming the id', async () => {
    const read = await server.api.get('/api/v1/residents/12345', admin);
    expect(read.status).toBe(400);
    expect(read.body.error.details).toEqual([{ path: 'id', message: 'must be a UUID' }]);

    const write = await refusedWithoutWriting(() =>
      server.api.patch('/api/v1/org-units/not-an-id', { name: '改名' }, admin),
    );
    expect(write.status).toBe(400);
    expect(write.body.error.message).toMatch(/path/);
  });

  it('answers 404 naming the thing for a well-formed id that does not exist', async () => {
    const missing = randomUUID();
    const read = await server.api.get(`/api/v1/residents/${missing}`, admin);
    expect(read.status).toBe(404);
    expect(read.body.error).toEqual({ id: 'not_found', message: `Resident ${missing} does not exist` });

    const write = await refusedWithoutWriting(() =>
      server.api.patch(`/api/v1/org-units/${missing}`, { name: '改名' }, admin),
    );
    expect(write.status).toBe(404);
    expect(write.body.error.message).toBe(`Org unit ${missing} does not exist`);
  });

  it('answers an unknown route with a 404 JSON error', async () => {
    const res = await server.api.get('/api/v1/no-such-thing', admin);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body.error).toEqual({ id: 'not_found', message: 'There is no GET /api/v1/no-such-thing' });
  });

  it('answers a wrong method with a 405 JSON error listing the allowed ones', async () => {
    const res = await refusedWithoutWriting(() => server.api.delete('/api/v1/residents', admin));
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body.error.id).toBe('method_not_allowed');
    expect(res.headers.get('allow')).toEqual(expect.stringContaining('POST'));
    expect(res.headers.get('allow')).toEqual(expect.stringContaining('GET'));
  });

  it('answers a method the server does not implement with a JSON error', async () => {
    const res = await server.api.request('PROPFIND', '/api/v1/residents', { token: admin });
    expect(res.status).toBe(501);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body.error.id).toBe('not_implemented');
  });
});

describe('unexpected errors', () => {
  it('answers 500 with the request id and nothing of the cause, and logs the cause', async () => {
    const logged = new PassThrough();
    let log = '';
    logged.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    const services = { ...server.services, logger: createLogger('error', logged), metrics: createMetrics() };
    const broken = defineRoute({
      method: 'get',
      path: '/broken',
      summary: 'always fails',
      tag: 'test',
      auth: 'public',
      handler: async () => {
        throw new Error('secret detail 123');
      },
    });
    const app = http.createServer(createApp(services, [broken]).callback());
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = app.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/broken`);
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(text).not.toContain('secret detail');
      expect(text).not.toMatch(/Error|at .*\.ts/);
      const requestId = res.headers.get('x-request-id')!;
      expect(JSON.parse(text)).toEqual({
        error: { id: 'internal', message: `Something went wrong on our side (request ${requestId})` },
      });
      expect(log).toContain('secret detail 123');
      expect(log).toContain(requestId);
    } finally {
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });
});

describe('operations', () => {
  it('answers /healthz', async () => {
    const res = await server.api.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz as ready once the database is migrated', async () => {
    const res = await server.api.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
  });

  it('serves Prometheus metrics with request durations labelled by route pattern', async () => {
    const id = randomUUID();
    await server.api.get(`/api/v1/residents/${id}`, admin);
    await server.api.delete(`/api/v1/org-units/${id}`, admin); // 405
    await server.api.get(`/api/v1/nothing-here/${id}`); // 404
    const res = await server.api.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = res.body as string;
    expect(text).toContain('# TYPE linli_http_request_duration_seconds histogram');
    expect(text).toMatch(
      /linli_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/residents\/:id",status="404"\} \d+/,
    );
    // ids in paths must not become label values, or every new id would grow the metrics without bound
    expect(text).not.toContain(id);
  });

  it('publishes an OpenAPI 3 document with every route', async () => {
    const res = await server.api.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = res.body.paths as Record<
      string,
      Record<string, { parameters: { name: string; in: string }[] }>
    >;
    expect(allRoutes.length).toBeGreaterThan(40);
    for (const route of allRoutes) {
      const path = `/api/v1${route.path.replace(/:(\w+)/g, '{$1}')}`;
      expect(paths[path]?.[route.method]).toBeDefined();
      for (const [, name] of route.path.matchAll(/:(\w+)/g)) {
        expect(paths[path]![route.method]!.parameters).toEqual(
          expect.arrayContaining([expect.objectContaining({ name, in: 'path' })]),
        );
      }
    }
    expect(Object.keys(paths).some((p) => p.includes(':'))).toBe(false);
  });

  it('echoes a sensible X-Request-Id and makes one up otherwise', async () => {
    const echoed = await server.api.request('GET', '/healthz', {
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await server.api.request('GET', '/healthz', {
      headers: { 'x-request-id': 'no spaces <allowed>' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const made = await server.api.get('/api/v1/no-such-thing');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('logs', () => {
  it('never writes ID numbers, phones or passwords', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const logger = createLogger('info', out);
    const secrets = { idNumber: '370902199001011234', phone: '13912345678', password: 'Hunter2-secret' };
    logger.info(
      {
        ...secrets,
        resident: { idNumber: '370902198802023456', phone: '13800001111' },
        user: { password: 'Nested-secret-9' },
        household: { members: [{ contact: { phone: '13700002222', idNumber: '37090220100303789X' } }] },
      },
      'saw a person',
    );
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).toContain('saw a person');
    expect(text).toContain('[redacted]');
    for (const value of [
      '370902199001011234',
      '13912345678',
      'Hunter2-secret',
      '370902198802023456',
      '13800001111',
      'Nested-secret-9',
      '13700002222',
      '37090220100303789X',
    ]) {
      expect(text).not.toContain(value);
    }
  });
});
