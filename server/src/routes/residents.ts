// Real population: residents, masked by role, revealed in full only through an audited request.
import { and, arrayContains, asc, desc, eq, ilike, inArray, like, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  CheckIn,
  CreateCheckIn,
  CreateResident,
  IdParams,
  Resident,
  ResidentQuery,
  RevealRequest,
  Revealed,
  UpdateResident,
  pageOf as pageSchema,
} from '@linli/contracts';
import { defineRoute, type RouteDef } from '../http/route.js';
import { badRequest, forbidden } from '../http/errors.js';
import { householdBindings, residentCheckIns, residents } from '../db/schema.js';
import {
  authorize,
  escapeLike,
  pathInScope,
  requirePermission,
  scopeCondition,
  scopeFor,
} from '../policy/policy.js';
import { REVEALABLE } from '../policy/permissions.js';
import type { Principal } from '../policy/principal.js';
import { getOrgUnit } from '../domain/org.js';
import { getRoom } from '../domain/address.js';
import { pageOf } from '../domain/paging.js';
import { birthDateFromIdNumber, genderFromIdNumber, sealIdNumber, sealPhone } from '../domain/pii.js';
import {
  getResident,
  inHousehold,
  isHousehold,
  presentResident,
  roomsOf,
  type ResidentRow,
} from '../domain/residents.js';
import { writeAudit } from '../domain/audit.js';
import type { Services } from '../services.js';

async function present(s: Services, p: Principal, rows: ResidentRow[]) {
  const roomMap = await roomsOf(
    s.db,
    rows.map((r) => r.id),
  );
  const staffScope = scopeFor(p, 'residents', 'read');
  return rows.map((r) =>
    presentResident(r, {
      self: r.id === p.residentId,
      staff: pathInScope(staffScope, r.orgPath),
      vault: s.vault,
      rooms: roomMap.get(r.id) ?? [],
    }),
  );
}

const list = defineRoute({
  method: 'get',
  path: '/residents',
  summary:
    'List residents in scope (ID numbers and phones masked); filter by grid, room, tag, name or exact ID/phone',
  tag: 'people',
  auth: 'user',
  query: ResidentQuery,
  response: pageSchema(Resident),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'residents', 'read');
    const filters: (SQL | undefined)[] = [
      scopeCondition(scope, residents.orgPath, isHousehold(s.db, residents.id, principal.residentId)),
      q.communityId ? eq(residents.communityId, q.communityId) : undefined,
      q.gridId ? like(residents.orgPath, `%/${q.gridId}/`) : undefined,
      q.roomId
        ? inArray(
            residents.id,
            s.db
              .select({ id: householdBindings.residentId })
              .from(householdBindings)
              .where(
                and(
                  eq(householdBindings.roomId, q.roomId),
                  inArray(householdBindings.status, ['pending', 'verified']),
                ),
              ),
          )
        : undefined,
      q.tag ? arrayContains(residents.tags, [q.tag]) : undefined,
      q.residency ? eq(residents.residency, q.residency) : undefined,
      q.status ? eq(residents.status, q.status) : undefined,
      q.q ? ilike(residents.name, `%${escapeLike(q.q)}%`) : undefined,
      q.idNumber ? eq(residents.idNumberHash, s.vault.blindIndex(q.idNumber)) : undefined,
      q.phone ? eq(residents.phoneHash, s.vault.blindIndex(q.phone)) : undefined,
    ];
    const where = and(...filters);
    const page = await pageOf(s.db, residents, where, q, (offset, limit) =>
      s.db
        .select()
        .from(residents)
        .where(where)
        .orderBy(asc(residents.name), asc(residents.id))
        .offset(offset)
        .limit(limit),
    );
    return { ...page, items: await present(s, principal, page.items) };
  },
});

const get = defineRoute({
  method: 'get',
  path: '/residents/:id',
  summary: 'Read a resident (masked unless it is you)',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  response: Resident,
  matrix: { target: 'resident' },
  handler: async ({ params, principal, services: s }) => {
    const r = await getResident(s.db, params.id);
    const isSelf = await inHousehold(s.db, principal.residentId, r.id);
    authorize(principal, 'residents', 'read', { orgPath: r.orgPath, isSelf }, 'Resident', r.id);
    return (await present(s, principal, [r]))[0];
  },
});

const create = defineRoute({
  method: 'post',
  path: '/residents',
  summary: 'Register a resident, optionally in a room at once',
  tag: 'people',
  auth: 'user',
  body: CreateResident,
  status: 201,
  response: Resident,
  matrix: {
    target: 'room',
    body: (fx) => ({
      communityId: fx.community,
      name: '测试居民',
      roomId: fx.room,
      relation: 'family',
      tags: ['elderly'],
    }),
  },
  handler: async ({ body, principal, services: s, requestId }) => {
    const community = await getOrgUnit(s.db, body.communityId, 'community');
    const room = body.roomId ? await getRoom(s.db, body.roomId) : undefined;
    if (room && !room.orgPath.startsWith(community.path))
      throw badRequest('The room is not in this community');
    if (room && !body.relation)
      throw badRequest('relation is required with roomId (owner, tenant or family)');
    const orgPath = room?.orgPath ?? community.path;
    authorize(
      principal,
      'residents',
      'create',
      { orgPath },
      room ? 'Room' : 'Community',
      room?.id ?? community.id,
    );
    if (body.idNumber && body.gender && genderFromIdNumber(body.idNumber) !== body.gender) {
      throw badRequest('gender contradicts the ID number');
    }
    return s.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(residents)
        .values({
          communityId: community.id,
          orgPath,
          name: body.name,
          gender: body.gender ?? (body.idNumber ? genderFromIdNumber(body.idNumber) : null),
          birthDate: body.birthDate ?? (body.idNumber ? birthDateFromIdNumber(body.idNumber) : null),
          ...sealIdNumber(s.vault, body.idNumber),
          ...sealPhone(s.vault, body.phone),
          residency: body.residency,
          tags: body.tags,
          notes: body.notes ?? null,
        })
        .returning();
      if (room) {
        await tx.insert(householdBindings).values({
          residentId: row!.id,
          roomId: room.id,
          relation: body.relation!,
          status: 'verified',
          orgPath: room.orgPath,
          requestedBy: principal.userId,
          reviewedBy: principal.userId,
          reviewedAt: s.now(),
        });
      }
      if (body.idNumber || body.phone) {
        await writeAudit(tx, {
          actorUserId: principal.userId,
          action: 'create',
          targetType: 'resident',
          targetId: row!.id,
          fields: [...(body.idNumber ? ['idNumber'] : []), ...(body.phone ? ['phone'] : [])],
          requestId,
          orgPath,
        });
      }
      const roomMap = await roomsOf(tx, [row!.id]);
      return presentResident(row!, {
        self: false,
        staff: true,
        vault: s.vault,
        rooms: roomMap.get(row!.id) ?? [],
      });
    });
  },
});

const update = defineRoute({
  method: 'patch',
  path: '/residents/:id',
  summary: 'Update a resident (a resident may change only their own phone)',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  body: UpdateResident,
  response: Resident,
  matrix: { target: 'resident', body: () => ({ phone: '13900001111' }) },
  handler: async ({ params, body, principal, services: s, requestId }) => {
    const r = await getResident(s.db, params.id);
    const isSelf = r.id === principal.residentId;
    const scope = authorize(
      principal,
      'residents',
      'update',
      { orgPath: r.orgPath, isSelf },
      'Resident',
      r.id,
    );
    if (!pathInScope(scope, r.orgPath)) {
      const extra = Object.keys(body).filter((k) => k !== 'phone');
      if (extra.length)
        throw forbidden(`You may change only your phone number here, not ${extra.join(', ')}`);
    }
    const idNumber = body.idNumber === undefined ? undefined : body.idNumber;
    if (idNumber && (body.gender ?? r.gender) && genderFromIdNumber(idNumber) !== (body.gender ?? r.gender)) {
      throw badRequest('gender contradicts the ID number');
    }
    const { idNumber: _i, phone: _p, ...plain } = body;
    return s.db.transaction(async (tx) => {
      const [row] = await tx
        .update(residents)
        .set({
          ...plain,
          ...sealIdNumber(s.vault, body.idNumber),
          ...sealPhone(s.vault, body.phone),
          updatedAt: s.now(),
        })
        .where(eq(residents.id, r.id))
        .returning();
      const changedPii = [
        ...(body.idNumber !== undefined ? ['idNumber'] : []),
        ...(body.phone !== undefined ? ['phone'] : []),
      ];
      if (changedPii.length) {
        await writeAudit(tx, {
          actorUserId: principal.userId,
          action: 'update',
          targetType: 'resident',
          targetId: r.id,
          fields: changedPii,
          requestId,
          orgPath: r.orgPath,
        });
      }
      return (await present({ ...s, db: tx as never }, principal, [row!]))[0];
    });
  },
});

const reveal = defineRoute({
  method: 'post',
  path: '/residents/:id/reveal',
  summary: "Reveal a resident's full ID number or phone, with a reason; every reveal is audited",
  tag: 'people',
  auth: 'user',
  params: IdParams,
  body: RevealRequest,
  response: Revealed,
  matrix: { target: 'resident', body: () => ({ fields: ['phone'], reason: '上门走访联系' }) },
  handler: async ({ params, body, principal, services: s, requestId }) => {
    const r = await getResident(s.db, params.id);
    authorize(principal, 'residents', 'reveal', { orgPath: r.orgPath }, 'Resident', r.id);
    const allowed = new Set(
      principal.grants
        .filter((g) => r.orgPath.startsWith(g.orgPath))
        .flatMap((g) => REVEALABLE[g.role] ?? []),
    );
    const refused = body.fields.filter((f) => !allowed.has(f));
    if (refused.length) throw forbidden(`Your role may not reveal ${refused.join(', ')}`);
    await writeAudit(s.db, {
      actorUserId: principal.userId,
      action: 'reveal',
      targetType: 'resident',
      targetId: r.id,
      fields: body.fields,
      reason: body.reason,
      requestId,
      orgPath: r.orgPath,
    });
    const out: { idNumber?: string | null; phone?: string | null } = {};
    if (body.fields.includes('idNumber'))
      out.idNumber = r.idNumberEnc ? s.vault.decrypt(r.idNumberEnc) : null;
    if (body.fields.includes('phone')) out.phone = r.phoneEnc ? s.vault.decrypt(r.phoneEnc) : null;
    return out;
  },
});

function presentCheckIn(c: typeof residentCheckIns.$inferSelect) {
  return {
    id: c.id,
    residentId: c.residentId,
    userId: c.userId,
    method: c.method,
    note: c.note,
    concern: c.concern,
    at: c.at.toISOString(),
    createdAt: c.createdAt.toISOString(),
  };
}

const addCheckIn = defineRoute({
  method: 'post',
  path: '/residents/:id/check-ins',
  summary:
    'Record a check-in (探访) on a resident: a visit, call or video call and what was found; resets the reminder',
  tag: 'people',
  auth: 'user',
  params: IdParams,
  body: CreateCheckIn,
  status: 201,
  response: CheckIn,
  matrix: { target: 'resident', body: () => ({ method: 'visit', note: '身体状况良好，家中整洁' }) },
  handler: async ({ params, body, principal, services: s }) => {
    const r = await getResident(s.db, params.id);
    authorize(principal, 'residents', 'update', { orgPath: r.orgPath }, 'Resident', r.id);
    const now = s.now();
    const at = body.at ? new Date(body.at) : now;
    if (at.getTime() > now.getTime() + 60_000) throw badRequest('at: a check-in cannot be in the future');
    const [row] = await s.db
      .insert(residentCheckIns)
      .values({
        residentId: r.id,
        userId: principal.userId,
        orgPath: r.orgPath,
        method: body.method,
        note: body.note,
        concern: body.concern,
        at,
      })
      .returning();
    return presentCheckIn(row!);
  },
});

const listCheckIns = defineRoute({
  method: 'get',
  path: '/residents/:id/check-ins',
  summary: "A resident's check-ins (探访记录), newest first",
  tag: 'people',
  auth: 'user',
  params: IdParams,
  response: z.object({ items: z.array(CheckIn) }),
  matrix: { target: 'resident' },
  handler: async ({ params, principal, services: s }) => {
    const r = await getResident(s.db, params.id);
    authorize(principal, 'residents', 'read', { orgPath: r.orgPath }, 'Resident', r.id);
    const rows = await s.db
      .select()
      .from(residentCheckIns)
      .where(eq(residentCheckIns.residentId, r.id))
      .orderBy(desc(residentCheckIns.at))
      .limit(200);
    return { items: rows.map(presentCheckIn) };
  },
});

export const residentRoutes: RouteDef[] = [list, get, create, update, reveal, addCheckIn, listCheckIns];
