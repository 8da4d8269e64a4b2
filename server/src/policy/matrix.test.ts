// The authorisation matrix: every route of the router, called by every role, against a target inside
// the caller's world and one in another district. The expectations below are written independently of
// the policy table, so a policy mistake shows up as a failure here. A route that is added without an
// expectation fails the test: later issues cannot forget it.
import { allRoutes } from '../routes/index.js';
import { createTestServer, type TestServer } from '../testing/server.js';
import { buildWorld, type World } from '../testing/world.js';
import { addWorkflowFixtures, WORKFLOW_TEST_HANDLERS } from '../testing/workflow-world.js';
import { issueSession } from '../auth/tokens.js';
import type { Role } from './permissions.js';
import { and, eq } from 'drizzle-orm';
import { roleAssignments, users } from '../db/schema.js';
import type { RouteDef } from '../http/route.js';

import {
  ADMINS,
  ALL,
  GRID,
  SELF_AND_STAFF,
  STAFF,
  STAFF_READERS,
  type Expectation,
} from '../testing/matrix.js';
import { PROCESS_EXPECTATIONS, processFixtures } from '../processes/matrix.js';

const PUBLIC = new Set(['POST /auth/wechat', 'POST /auth/password', 'POST /auth/dev', 'POST /auth/refresh']);

const EXPECT: Record<string, Expectation> = {
  'POST /auth/logout': { in: ALL },
  'GET /me': { in: ALL },
  'GET /org-units': { in: ALL },
  'GET /org-units/:id': { in: ALL, out: ALL, why: 'the org tree is a public directory' },
  'POST /org-units': { in: ADMINS },
  'PATCH /org-units/:id': { in: ADMINS },
  'GET /property-companies': { in: ['property_staff', 'technician', ...ADMINS] },
  'GET /property-companies/:id': { in: ['property_staff', 'technician', ...ADMINS] },
  'POST /property-companies': { in: ADMINS },
  'PATCH /property-companies/:id': { in: ADMINS },
  'GET /compounds': { in: ALL },
  'GET /compounds/:id': { in: ALL, out: ALL, why: 'addresses are a public directory' },
  'POST /compounds': { in: ['community_admin'] },
  'PATCH /compounds/:id': { in: ['community_admin'] },
  'GET /buildings': { in: ALL },
  'GET /buildings/:id': { in: ALL, out: ALL, why: 'addresses are a public directory' },
  'POST /buildings': { in: ['community_admin'] },
  'PATCH /buildings/:id': { in: ['community_admin'] },
  'GET /units': { in: ALL },
  'GET /units/:id': { in: ALL, out: ALL, why: 'addresses are a public directory' },
  'POST /units': { in: ['community_admin'] },
  'PATCH /units/:id': { in: ['community_admin'] },
  'GET /rooms': { in: ALL },
  'GET /rooms/:id': { in: ALL, out: ALL, why: 'addresses are a public directory (occupancy is not)' },
  'POST /rooms': { in: ['community_admin'] },
  'PATCH /rooms/:id': { in: ['grid_worker', 'property_staff', 'community_admin'] },
  'GET /residents': { in: SELF_AND_STAFF },
  'GET /residents/:id': { in: ['resident', ...STAFF_READERS] },
  'POST /residents': { in: GRID },
  'PATCH /residents/:id': { in: ['resident', ...GRID] },
  'POST /residents/:id/reveal': { in: ['grid_worker', 'property_staff', 'community_admin'] },
  'POST /residents/:id/check-ins': { in: GRID },
  'GET /residents/:id/check-ins': { in: STAFF_READERS },
  'GET /household-bindings': { in: SELF_AND_STAFF },
  'GET /household-bindings/:id': { in: ['resident', ...STAFF_READERS] },
  'POST /household-bindings': { in: GRID },
  'POST /me/household-bindings': {
    in: ALL,
    out: 'not-scoped',
    why: 'anyone signed in may ask to live anywhere; the request stays pending until staff of that community verify it',
  },
  'POST /household-bindings/:id/review': { in: ['grid_worker', 'property_staff', 'community_admin'] },
  'GET /organisations': { in: ['grid_worker', 'community_admin', 'street_admin', 'district_admin'] },
  'GET /organisations/:id': { in: ['grid_worker', 'community_admin', 'street_admin', 'district_admin'] },
  'POST /organisations': { in: GRID },
  'PATCH /organisations/:id': { in: GRID },
  'GET /vehicles': { in: SELF_AND_STAFF },
  'GET /vehicles/:id': { in: ['resident', ...STAFF_READERS] },
  'POST /vehicles': { in: ['resident', 'grid_worker', 'property_staff', 'community_admin'] },
  'PATCH /vehicles/:id': { in: ['grid_worker', 'property_staff', 'community_admin'] },
  'GET /users': { in: ADMINS },
  'GET /users/:id': { in: ADMINS },
  'POST /users': { in: ADMINS },
  'PATCH /users/:id': { in: ADMINS },
  'POST /users/:id/roles': { in: ADMINS },
  'DELETE /users/:id/roles/:grantId': { in: ADMINS },
  'GET /audit-logs': { in: ADMINS },
  'GET /stats/overview': { in: ADMINS },
  'GET /me/permissions': { in: ALL },
  'POST /imports/residents': { in: ['community_admin'] },
  'POST /imports/rooms': { in: ['community_admin'] },
  // workflow: the world's cases are started by its resident in its first grid; their tasks are for grid workers
  'GET /definitions': { in: STAFF },
  'GET /definitions/handlers': { in: STAFF },
  'POST /definitions': { in: ADMINS },
  'GET /definitions/:id': { in: STAFF, out: STAFF, why: 'processes are shared by every district' },
  'GET /definitions/:id/xml': { in: STAFF, out: STAFF, why: 'processes are shared by every district' },
  'GET /definitions/:id/diff': { in: STAFF, out: STAFF, why: 'processes are shared by every district' },
  'GET /instances': { in: ALL },
  'POST /instances': { in: ALL, why: 'a resident starts a case at home; staff in their area' },
  'GET /instances/:id': { in: ['resident', ...STAFF] },
  'GET /instances/:id/history': { in: ['resident', ...STAFF] },
  'POST /instances/:id/cancel': { in: ADMINS },
  'GET /tasks': { in: ALL },
  'GET /tasks/:id': {
    in: ['resident', 'grid_worker', ...ADMINS],
    why: 'the candidate group, supervisors, and whose case it is',
  },
  'GET /tasks/:id/events': { in: ['resident', 'grid_worker', ...ADMINS] },
  'POST /tasks/:id/claim': { in: ['grid_worker', ...ADMINS] },
  'POST /tasks/:id/unclaim': { in: ['grid_worker', ...ADMINS] },
  'POST /tasks/:id/complete': { in: ['grid_worker', ...ADMINS] },
  'POST /tasks/:id/transfer': { in: ['grid_worker', ...ADMINS] },
  'POST /tasks/:id/delegate': { in: ['grid_worker'], why: 'only the holder delegates, not a supervisor' },
  'POST /tasks/:id/resolve': { in: ['grid_worker'], why: 'only the delegate hands back' },
  'POST /tasks/:id/return': { in: ['grid_worker', ...ADMINS] },
  'POST /tasks/:id/withdraw': { in: ['grid_worker'], why: 'only who completed the step takes it back' },
  'POST /tasks/:id/urge': {
    in: ['resident', ...ADMINS],
    why: 'the person whose case it is, and supervisors',
  },
  'POST /tasks/:id/comments': { in: ['resident', 'grid_worker', ...ADMINS] },
  'POST /tasks/:id/cc': { in: ['grid_worker', ...ADMINS] },
  'POST /tasks/:id/attachments': { in: ['resident', 'grid_worker', ...ADMINS] },
  'GET /tasks/:id/receivers': {
    in: ['grid_worker', ...ADMINS],
    why: 'those who may act on the task choose whom to hand it to',
  },
  'GET /tasks/:id/return-targets': { in: ['grid_worker', ...ADMINS] },
  'GET /incidents': { in: ADMINS },
  'POST /incidents/:id/retry': { in: ADMINS },
  'GET /instances/:id/timeline': { in: ['resident', ...STAFF] },
  'POST /files': { in: ALL, why: 'anyone signed in uploads; a case decides whether the file is filed' },
  'GET /files/:id': {
    in: ['resident', ...STAFF],
    why: 'the uploader, and staff of the area of the case the file was filed with',
  },
  // notifications: the inbox, preferences and consents are the caller's own; robots are area settings
  'GET /notifications': { in: ALL },
  'GET /notifications/unread-count': { in: ALL },
  'POST /notifications/read': { in: ALL },
  'GET /notifications/preferences': { in: ALL },
  'PATCH /notifications/preferences': { in: ALL },
  'GET /notifications/subscriptions': { in: ALL },
  'POST /notifications/subscriptions': { in: ALL },
  'GET /notifications/consent-gaps': { in: ADMINS },
  'GET /notifications/robots': { in: ADMINS },
  'PUT /notifications/robots': { in: ADMINS, why: "the grid is in every admin's area" },
  'GET /notifications/deliveries': { in: ADMINS },
  'POST /notifications/deliveries/retry': { in: ADMINS },
  ...PROCESS_EXPECTATIONS,
};

/** Directory lists may show other worlds' addresses (and the shared processes); every other list must not. */
const DIRECTORY_LISTS = new Set([
  'GET /definitions',
  'GET /org-units',
  'GET /compounds',
  'GET /buildings',
  'GET /units',
  'GET /rooms',
]);

const keyOf = (r: RouteDef) => `${r.method.toUpperCase()} ${r.path}`;

let server: TestServer;
let mine: World;
let other: World;
const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

beforeAll(async () => {
  server = await createTestServer({}, { handlers: WORKFLOW_TEST_HANDLERS });
  const { db, vault } = server.services;
  mine = await buildWorld(db, vault, '甲', 1);
  other = await buildWorld(db, vault, '乙', 2);
  await addWorkflowFixtures(server.services, mine);
  await addWorkflowFixtures(server.services, other);
  const began = Date.now();
  await processFixtures(server.services, mine);
  await processFixtures(server.services, other);
  console.log(`process fixtures built in ${Date.now() - began} ms`);
}, 600_000); // two worlds with every process's fixtures: deploys, cases and their steps
afterAll(async () => server?.close());

async function tokenFor(role: Role): Promise<string> {
  return (await issueSession(server.services, mine.users[role], 'password')).accessToken;
}

async function call(route: RouteDef, role: Role, world: World) {
  const fx = { ...world.ids };
  if (keyOf(route) === 'DELETE /users/:id/roles/:grantId') {
    // each call removes a grant: give every call its own
    const db = server.services.db;
    await db
      .delete(roleAssignments)
      .where(and(eq(roleAssignments.userId, world.ids.staffUser!), eq(roleAssignments.role, 'volunteer')));
    const [grant] = await db
      .insert(roleAssignments)
      .values({ userId: world.ids.staffUser!, role: 'volunteer', orgUnitId: world.ids.community! })
      .returning();
    fx.staffGrant = grant!.id;
  }
  const target = route.matrix?.target;
  const path = route.path
    .replace(':grantId', fx.staffGrant ?? '')
    .replace(':id', target ? (fx[target] ?? `missing-fixture-${target}`) : '');
  const query = route.matrix?.query?.(fx);
  const url = `/api/v1${path}${query ? `?${new URLSearchParams(query)}` : ''}`;
  const token = await tokenFor(role);
  const body = route.body ? route.matrix?.body?.(fx) : undefined;
  if (route.bodyKind === 'raw') {
    return server.api.request(route.method.toUpperCase(), url, {
      token,
      raw: Buffer.isBuffer(body) ? body : String(body ?? ''),
      contentType: route.rawTypes?.[0] ?? 'application/octet-stream',
    });
  }
  const res = await server.api.request(route.method.toUpperCase(), url, { token, body });
  if (keyOf(route) === 'POST /me/household-bindings') {
    // asking to bind makes the caller a resident too; undo that so the next routes test the role alone
    const [before] = await server.services.db
      .select({ residentId: users.residentId })
      .from(users)
      .where(eq(users.id, mine.users[role]));
    const original =
      role === 'resident' ? mine.ids.resident : role === 'volunteer' ? mine.ids.volunteerResident : null;
    if (before?.residentId !== original)
      await server.services.db
        .update(users)
        .set({ residentId: original ?? null })
        .where(eq(users.id, mine.users[role]));
  }
  return res;
}

/** allowed: the call got past authorisation (2xx, or 409 when an earlier role already did the same). */
const allowed = (status: number) => (status >= 200 && status < 300) || status === 409;
const denied = (status: number) => status === 403 || status === 404;

function secretsIn(text: string, world: World): string[] {
  return [...world.secrets.idNumbers, ...world.secrets.phones].filter((secret) => text.includes(secret));
}

/** a resident (and a volunteer, who is a resident too) reads their own record in full */
function ownSecrets(role: Role): string[] {
  if (role === 'resident') return [mine.secrets.idNumbers[0]!, mine.secrets.phones[0]!];
  if (role === 'volunteer') return [mine.secrets.idNumbers[2]!, mine.secrets.phones[2]!];
  return [];
}

const scopedRoutes = allRoutes.filter((r) => r.auth === 'user');

it('has an expectation for every route of the router', () => {
  const missing = allRoutes.map(keyOf).filter((k) => !EXPECT[k] && !PUBLIC.has(k));
  expect(missing).toEqual([]);
  const publicButGuarded = allRoutes.filter((r) => PUBLIC.has(keyOf(r)) && r.auth !== 'public').map(keyOf);
  expect(publicButGuarded).toEqual([]);
});

it('refuses every non-public route without a session', async () => {
  for (const route of scopedRoutes) {
    const path = route.path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
    const res = await server.api.request(route.method.toUpperCase(), `/api/v1${path}`);
    expect({ route: keyOf(route), status: res.status }).toEqual({ route: keyOf(route), status: 401 });
  }
});

describe.each(ALL)('as %s', (role) => {
  it('may do exactly what the matrix says inside its own scope', async () => {
    const outcomes: string[] = [];
    for (const route of scopedRoutes) {
      const expectation = EXPECT[keyOf(route)];
      if (!expectation) continue;
      const res = await call(route, role, mine);
      const shouldAllow = expectation.in.includes(role);
      const ok = shouldAllow ? allowed(res.status) : denied(res.status);
      if (!ok)
        outcomes.push(
          `${keyOf(route)} → ${res.status} (expected ${shouldAllow ? 'allowed' : 'denied'}) ${JSON.stringify(res.body).slice(0, 200)}`,
        );
    }
    expect(outcomes).toEqual([]);
  });

  it('reaches nothing of another district, except the public directory', async () => {
    const outcomes: string[] = [];
    for (const route of scopedRoutes) {
      const expectation = EXPECT[keyOf(route)];
      if (!expectation || !route.matrix?.target || expectation.out === 'not-scoped') continue;
      const res = await call(route, role, other);
      const shouldAllow = Array.isArray(expectation.out) && expectation.out.includes(role);
      const ok = shouldAllow
        ? allowed(res.status)
        : res.status >= 400 && res.status < 500 && res.status !== 409;
      if (!ok) outcomes.push(`${keyOf(route)} → ${res.status} on another district's record`);
    }
    expect(outcomes).toEqual([]);
  });

  it('never sees another district in a list, and never an unmasked ID number or phone it may not see', async () => {
    const leaks: string[] = [];
    // record ids only: some fixtures name a route's key that is not a record (an alert type, `door_forced`)
    const foreignIds = Object.values(other.ids).filter(
      (v): v is string => typeof v === 'string' && UUID_LIKE.test(v),
    );
    for (const route of scopedRoutes.filter((r) => r.method === 'get' && !r.path.includes(':'))) {
      const res = await server.api.get(`/api/v1${route.path}?pageSize=200`, await tokenFor(role));
      const text = JSON.stringify(res.body);
      if (!DIRECTORY_LISTS.has(keyOf(route))) {
        const seen = foreignIds.filter((id) => text.includes(id));
        if (seen.length) leaks.push(`${keyOf(route)} shows ${seen.length} records of another district`);
      }
      const own = ownSecrets(role);
      const exposed = [...secretsIn(text, mine), ...secretsIn(text, other)].filter((s) => !own.includes(s));
      if (exposed.length) leaks.push(`${keyOf(route)} shows ${exposed.length} full ID numbers or phones`);
    }
    for (const target of ['resident', 'familyMember', 'volunteerResident']) {
      const res = await server.api.get(`/api/v1/residents/${mine.ids[target]}`, await tokenFor(role));
      const self =
        (role === 'resident' && target === 'resident') ||
        (role === 'volunteer' && target === 'volunteerResident');
      const own = self ? ownSecrets(role) : [];
      const exposed = secretsIn(JSON.stringify(res.body), mine).filter((s) => !own.includes(s));
      if (exposed.length) leaks.push(`GET /residents/${target} shows ${exposed.length} full values`);
    }
    expect(leaks).toEqual([]);
  });
});

it('shows occupancy and area of a room only to staff of that room', async () => {
  const staff = await server.api.get(`/api/v1/rooms/${mine.ids.spareRoom}`, await tokenFor('grid_worker'));
  expect(staff.body.occupancy).toBe('owner_occupied');
  for (const role of ['resident', 'technician'] as Role[]) {
    const res = await server.api.get(`/api/v1/rooms/${mine.ids.spareRoom}`, await tokenFor(role));
    expect(res.status).toBe(200);
    expect(res.body.occupancy).toBeUndefined();
    expect(res.body.areaM2).toBeUndefined();
  }
  const foreign = await server.api.get(`/api/v1/rooms/${other.ids.room}`, await tokenFor('community_admin'));
  expect(foreign.status).toBe(200);
  expect(foreign.body.occupancy).toBeUndefined();
});

it('reveals in full only what the role may, and writes who, what and why to the audit log', async () => {
  const grid = await tokenFor('grid_worker');
  const revealed = await server.api.post(
    `/api/v1/residents/${mine.ids.familyMember}/reveal`,
    { fields: ['idNumber', 'phone'], reason: '入户走访核对信息' },
    grid,
  );
  expect(revealed.status).toBe(200);
  expect(revealed.body).toEqual({ idNumber: mine.secrets.idNumbers[1], phone: mine.secrets.phones[1] });

  const property = await tokenFor('property_staff');
  const refused = await server.api.post(
    `/api/v1/residents/${mine.ids.familyMember}/reveal`,
    { fields: ['idNumber'], reason: '报修联系业主' },
    property,
  );
  expect(refused.status).toBe(403);
  const phoneOnly = await server.api.post(
    `/api/v1/residents/${mine.ids.familyMember}/reveal`,
    { fields: ['phone'], reason: '报修联系业主' },
    property,
  );
  expect(phoneOnly.body).toEqual({ phone: mine.secrets.phones[1] });

  const noReason = await server.api.post(
    `/api/v1/residents/${mine.ids.familyMember}/reveal`,
    { fields: ['phone'] },
    grid,
  );
  expect(noReason.status).toBe(400);

  const log = await server.api.get(
    `/api/v1/audit-logs?action=reveal&targetId=${mine.ids.familyMember}`,
    await tokenFor('community_admin'),
  );
  const entries = log.body.items as { actorUserId: string; fields: string[]; reason: string }[];
  expect(
    entries.some(
      (e) =>
        e.actorUserId === mine.users.grid_worker &&
        e.reason === '入户走访核对信息' &&
        e.fields.includes('idNumber'),
    ),
  ).toBe(true);
  expect(
    entries.some((e) => e.actorUserId === mine.users.property_staff && e.fields.join() === 'phone'),
  ).toBe(true);
  // the refused attempt revealed nothing and is not recorded as a reveal
  expect(entries.filter((e) => e.actorUserId === mine.users.property_staff)).toHaveLength(1);
});
