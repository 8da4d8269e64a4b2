// Household bindings (resident ↔ room): a resident asks, the property company or community verifies.
import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import {
  Binding,
  BindingQuery,
  CreateBinding,
  IdParams,
  RequestBinding,
  ReviewBinding,
  pageOf as pageSchema,
} from '@linli/contracts';
import { defineRoute, type RouteDef } from '../http/route.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { householdBindings, residents, rooms, users } from '../db/schema.js';
import { authorize, requirePermission, scopeCondition } from '../policy/policy.js';
import { getRoom } from '../domain/address.js';
import { pageOf } from '../domain/paging.js';
import { getResident, householdOf, inHousehold } from '../domain/residents.js';
import { birthDateFromIdNumber, genderFromIdNumber, sealIdNumber, sealPhone } from '../domain/pii.js';
import { writeAudit } from '../domain/audit.js';
import type { DbOrTx } from '../db/client.js';

async function presentBindings(db: DbOrTx, where: SQL | undefined, offset = 0, limit = 1) {
  const rows = await db
    .select({
      id: householdBindings.id,
      residentId: householdBindings.residentId,
      residentName: residents.name,
      roomId: householdBindings.roomId,
      standardAddress: rooms.standardAddress,
      relation: householdBindings.relation,
      status: householdBindings.status,
      reviewNote: householdBindings.reviewNote,
      reviewedAt: householdBindings.reviewedAt,
      createdAt: householdBindings.createdAt,
    })
    .from(householdBindings)
    .innerJoin(residents, eq(residents.id, householdBindings.residentId))
    .innerJoin(rooms, eq(rooms.id, householdBindings.roomId))
    .where(where)
    .orderBy(desc(householdBindings.createdAt), desc(householdBindings.id))
    .offset(offset)
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
}

async function getBinding(db: DbOrTx, id: string) {
  const [row] = await db.select().from(householdBindings).where(eq(householdBindings.id, id));
  if (!row) throw notFound('Household binding', id);
  return row;
}

const list = defineRoute({
  method: 'get',
  path: '/household-bindings',
  summary: 'List household bindings (e.g. the pending ones to verify)',
  tag: 'people',
  auth: 'user',
  query: BindingQuery,
  response: pageSchema(Binding),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'household_bindings', 'read');
    // my own requests (pending or refused too) and the bindings of the households I am verified in
    const self = principal.residentId
      ? or(
          eq(householdBindings.residentId, principal.residentId),
          inArray(householdBindings.residentId, householdOf(s.db, principal.residentId)),
        )
      : undefined;
    const where = and(
      scopeCondition(scope, householdBindings.orgPath, self),
      q.status ? eq(householdBindings.status, q.status) : undefined,
      q.roomId ? eq(householdBindings.roomId, q.roomId) : undefined,
      q.residentId ? eq(householdBindings.residentId, q.residentId) : undefined,
    );
    return pageOf(s.db, householdBindings, where, q, (offset, limit) =>
      presentBindings(s.db, where, offset, limit),
    );
  },
});

const get = defineRoute({
  method: 'get',
  path: '/household-bindings/:id',
  summary: 'Read a household binding',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  response: Binding,
  matrix: { target: 'binding' },
  handler: async ({ params, principal, services: s }) => {
    const b = await getBinding(s.db, params.id);
    const isSelf = await inHousehold(s.db, principal.residentId, b.residentId);
    authorize(
      principal,
      'household_bindings',
      'read',
      { orgPath: b.orgPath, isSelf },
      'Household binding',
      b.id,
    );
    return (await presentBindings(s.db, eq(householdBindings.id, b.id)))[0];
  },
});

async function refuseDuplicate(db: DbOrTx, residentId: string, roomId: string): Promise<void> {
  const [existing] = await db
    .select({ status: householdBindings.status })
    .from(householdBindings)
    .where(
      and(
        eq(householdBindings.residentId, residentId),
        eq(householdBindings.roomId, roomId),
        inArray(householdBindings.status, ['pending', 'verified']),
      ),
    );
  if (existing) throw conflict(`This resident is already bound to this room (${existing.status})`);
}

const create = defineRoute({
  method: 'post',
  path: '/household-bindings',
  summary: 'Bind a registered resident to a room (staff; verified at once)',
  tag: 'people',
  auth: 'user',
  body: CreateBinding,
  status: 201,
  response: Binding,
  matrix: {
    target: 'room',
    body: (fx) => ({ residentId: fx.unboundResident, roomId: fx.room, relation: 'tenant' }),
  },
  handler: async ({ body, principal, services: s }) => {
    const room = await getRoom(s.db, body.roomId);
    authorize(principal, 'household_bindings', 'create', { orgPath: room.orgPath }, 'Room', room.id);
    const resident = await getResident(s.db, body.residentId);
    if (!room.orgPath.includes(`/${resident.communityId}/`))
      throw badRequest('The resident is registered in another community');
    await refuseDuplicate(s.db, resident.id, room.id);
    return s.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(householdBindings)
        .values({
          ...body,
          status: 'verified',
          orgPath: room.orgPath,
          requestedBy: principal.userId,
          reviewedBy: principal.userId,
          reviewedAt: s.now(),
        })
        .returning();
      await settleResidentPath(tx, resident.id, resident.orgPath, room.orgPath);
      return (await presentBindings(tx, eq(householdBindings.id, row!.id)))[0];
    });
  },
});

/** A resident known only at community level moves to the grid of their first verified room. */
async function settleResidentPath(
  db: DbOrTx,
  residentId: string,
  current: string,
  roomPath: string,
): Promise<void> {
  if (roomPath.startsWith(current) && roomPath !== current) {
    await db.update(residents).set({ orgPath: roomPath }).where(eq(residents.id, residentId));
  }
}

const request = defineRoute({
  method: 'post',
  path: '/me/household-bindings',
  summary: 'Ask to be bound to a room (a resident record is made for you if you have none); staff verify it',
  tag: 'people',
  auth: 'user',
  body: RequestBinding,
  status: 201,
  response: Binding,
  matrix: { target: 'room', body: (fx) => ({ roomId: fx.spareRoom, relation: 'tenant', name: '申请人' }) },
  handler: async ({ body, principal, services: s, requestId }) => {
    const room = await getRoom(s.db, body.roomId);
    const communityId = room.orgPath.split('/').filter(Boolean)[2];
    return s.db.transaction(async (tx) => {
      let residentId = principal.residentId;
      if (residentId) {
        const me = await getResident(tx, residentId);
        if (me.communityId !== communityId)
          throw badRequest(
            'The room is in another community than your resident record; ask the community office to move you',
          );
        await refuseDuplicate(tx, residentId, room.id);
      } else {
        if (!body.name) throw badRequest('name is required the first time you bind to a room');
        const [created] = await tx
          .insert(residents)
          .values({
            communityId: communityId!,
            orgPath: room.orgPath,
            name: body.name,
            gender: body.idNumber ? genderFromIdNumber(body.idNumber) : null,
            birthDate: body.idNumber ? birthDateFromIdNumber(body.idNumber) : null,
            ...sealIdNumber(s.vault, body.idNumber),
            ...sealPhone(s.vault, body.phone),
          })
          .returning({ id: residents.id });
        residentId = created!.id;
        await tx.update(users).set({ residentId }).where(eq(users.id, principal.userId));
        if (body.idNumber || body.phone) {
          await writeAudit(tx, {
            actorUserId: principal.userId,
            action: 'create',
            targetType: 'resident',
            targetId: residentId,
            fields: [...(body.idNumber ? ['idNumber'] : []), ...(body.phone ? ['phone'] : [])],
            requestId,
            orgPath: room.orgPath,
          });
        }
      }
      const [row] = await tx
        .insert(householdBindings)
        .values({
          residentId,
          roomId: room.id,
          relation: body.relation,
          status: 'pending',
          orgPath: room.orgPath,
          requestedBy: principal.userId,
        })
        .returning();
      return (await presentBindings(tx, eq(householdBindings.id, row!.id)))[0];
    });
  },
});

const review = defineRoute({
  method: 'post',
  path: '/household-bindings/:id/review',
  summary: 'Verify or reject a pending binding, or end a verified one (moving out)',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  body: ReviewBinding,
  response: Binding,
  matrix: { target: 'pendingBinding', body: () => ({ decision: 'verify', note: '已核实房产证' }) },
  handler: async ({ params, body, principal, services: s, requestId }) => {
    const b = await getBinding(s.db, params.id);
    authorize(principal, 'household_bindings', 'verify', { orgPath: b.orgPath }, 'Household binding', b.id);
    const allowed = body.decision === 'end' ? ['verified', 'pending'] : ['pending'];
    if (!allowed.includes(b.status))
      throw conflict(
        `This binding is ${b.status}; it cannot be ${body.decision === 'end' ? 'ended' : body.decision + 'ed'}`,
      );
    const status = ({ verify: 'verified', reject: 'rejected', end: 'ended' } as const)[body.decision];
    return s.db.transaction(async (tx) => {
      await tx
        .update(householdBindings)
        .set({
          status,
          reviewedBy: principal.userId,
          reviewedAt: s.now(),
          reviewNote: body.note ?? null,
          updatedAt: s.now(),
        })
        .where(eq(householdBindings.id, b.id));
      if (status === 'verified') {
        const resident = await getResident(tx, b.residentId);
        await settleResidentPath(tx, resident.id, resident.orgPath, b.orgPath);
      }
      await writeAudit(tx, {
        actorUserId: principal.userId,
        action: `binding_${body.decision}`,
        targetType: 'household_binding',
        targetId: b.id,
        reason: body.note ?? null,
        requestId,
        orgPath: b.orgPath,
      });
      return (await presentBindings(tx, eq(householdBindings.id, b.id)))[0];
    });
  },
});

export const bindingRoutes: RouteDef[] = [list, get, create, request, review];
