// Staff accounts and their roles. An administrator manages accounts within their own subtree and can
// grant only roles at or below their own level.
import { and, asc, eq, ilike, inArray, like, or, type SQL } from 'drizzle-orm';
import {
  AddGrant,
  CreateUser,
  GrantParams,
  IdParams,
  StaffUser,
  UpdateUser,
  UserQuery,
  pageOf as pageSchema,
} from '@linli/contracts';
import { randomUUID } from 'node:crypto';
import { defineRoute, type RouteDef } from '../http/route.js';
import { badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import { orgUnits, propertyCompanies, roleAssignments, users } from '../db/schema.js';
import { escapeLike, pathInScope, requirePermission, type AccessScope } from '../policy/policy.js';
import { GRANTABLE, type Role } from '../policy/permissions.js';
import type { Principal } from '../policy/principal.js';
import { getOrgUnit, type OrgKind } from '../domain/org.js';
import { grantsOf, presentStaff, type UserRow } from '../domain/users.js';
import { hashPassword } from '../auth/passwords.js';
import { sealPhone } from '../domain/pii.js';
import { writeAudit } from '../domain/audit.js';
import type { DbOrTx } from '../db/client.js';
import type { Services } from '../services.js';

const ROLE_LEVEL: Record<Role, OrgKind> = {
  resident: 'community',
  volunteer: 'community',
  grid_worker: 'grid',
  property_staff: 'community',
  technician: 'community',
  community_admin: 'community',
  street_admin: 'street',
  district_admin: 'district',
};

/** users holding at least one role somewhere inside the scope */
function usersInScope(db: DbOrTx, scope: AccessScope): SQL {
  const inside = scope.any
    ? undefined
    : or(...scope.prefixes.map((p) => like(orgUnits.path, `${escapeLike(p)}%`)));
  return inArray(
    users.id,
    db
      .select({ id: roleAssignments.userId })
      .from(roleAssignments)
      .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
      .where(inside),
  );
}

async function loadUserInScope(s: Services, p: Principal, id: string, action: 'read' | 'update') {
  const scope = requirePermission(p, 'users', action);
  const [user] = await s.db.select().from(users).where(eq(users.id, id));
  if (!user) throw notFound('User', id);
  const grants = (await grantsOf(s.db, [id])).get(id) ?? [];
  const paths = await s.db
    .select({ path: orgUnits.path })
    .from(orgUnits)
    .where(
      inArray(orgUnits.id, grants.map((g) => g.orgUnitId).concat(['00000000-0000-0000-0000-000000000000'])),
    );
  if (!paths.some((r) => pathInScope(scope, r.path))) {
    if (
      action === 'update' &&
      paths.some((r) => pathInScope(requirePermission(p, 'users', 'read'), r.path))
    ) {
      throw forbidden('You may not change this account');
    }
    throw notFound('User', id);
  }
  return { user, grants };
}

/** Checks one role grant against what the caller may give, and returns its values. */
async function checkGrant(
  s: Services,
  p: Principal,
  grant: { role: Role; orgUnitId: string; propertyCompanyId?: string | null | undefined },
) {
  if (grant.role === 'resident')
    throw badRequest('The resident role comes from binding to a room, not from a grant');
  const unit = await getOrgUnit(s.db, grant.orgUnitId);
  if (unit.kind !== ROLE_LEVEL[grant.role]) {
    throw badRequest(
      `The role ${grant.role} is held at a ${ROLE_LEVEL[grant.role]}, but ${unit.name} is a ${unit.kind}`,
    );
  }
  const mayGrant = p.grants.some(
    (g) => unit.path.startsWith(g.orgPath) && (GRANTABLE[g.role] ?? []).includes(grant.role),
  );
  if (!mayGrant) throw forbidden(`You may not grant ${grant.role} in ${unit.name}`);
  const needsCompany = grant.role === 'property_staff' || grant.role === 'technician';
  if (needsCompany && !grant.propertyCompanyId) throw badRequest(`${grant.role} needs propertyCompanyId`);
  if (grant.propertyCompanyId) {
    const [company] = await s.db
      .select({ id: propertyCompanies.id })
      .from(propertyCompanies)
      .where(eq(propertyCompanies.id, grant.propertyCompanyId));
    if (!company) throw notFound('Property company', grant.propertyCompanyId);
  }
  return { role: grant.role, orgUnitId: unit.id, propertyCompanyId: grant.propertyCompanyId ?? null };
}

async function present(s: Services, user: UserRow) {
  const grants = (await grantsOf(s.db, [user.id])).get(user.id) ?? [];
  return presentStaff(user, grants, s.now());
}

const list = defineRoute({
  method: 'get',
  path: '/users',
  summary: 'List staff accounts with a role in your scope',
  tag: 'users',
  auth: 'user',
  query: UserQuery,
  response: pageSchema(StaffUser),
  handler: async ({ query: q, principal, services: s }) => {
    const scope = requirePermission(principal, 'users', 'read');
    const roleFilter =
      q.role || q.orgUnitId
        ? inArray(
            users.id,
            s.db
              .select({ id: roleAssignments.userId })
              .from(roleAssignments)
              .where(
                and(
                  q.role ? eq(roleAssignments.role, q.role) : undefined,
                  q.orgUnitId ? eq(roleAssignments.orgUnitId, q.orgUnitId) : undefined,
                ),
              ),
          )
        : undefined;
    const where = and(
      usersInScope(s.db, scope),
      roleFilter,
      q.q
        ? or(ilike(users.displayName, `%${escapeLike(q.q)}%`), ilike(users.username, `%${escapeLike(q.q)}%`))
        : undefined,
    );
    const [totalRow] = await s.db
      .select({ id: users.id })
      .from(users)
      .where(where)
      .then((r) => [{ n: r.length }]);
    const rows = await s.db
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.username), asc(users.id))
      .offset((q.page - 1) * q.pageSize)
      .limit(q.pageSize);
    const grantMap = await grantsOf(
      s.db,
      rows.map((u) => u.id),
    );
    return {
      items: rows.map((u) => presentStaff(u, grantMap.get(u.id) ?? [], s.now())),
      total: totalRow?.n ?? 0,
      page: q.page,
      pageSize: q.pageSize,
    };
  },
});

const get = defineRoute({
  method: 'get',
  path: '/users/:id',
  summary: 'Read a staff account',
  tag: 'users',
  auth: 'user',
  params: IdParams,
  response: StaffUser,
  matrix: { target: 'staffUser' },
  handler: async ({ params, principal, services: s }) => {
    const { user } = await loadUserInScope(s, principal, params.id, 'read');
    return present(s, user);
  },
});

const create = defineRoute({
  method: 'post',
  path: '/users',
  summary: 'Create a staff account with its roles',
  tag: 'users',
  auth: 'user',
  body: CreateUser,
  status: 201,
  response: StaffUser,
  matrix: {
    target: 'grid',
    body: (fx) => ({
      displayName: '新网格员',
      username: `gw${randomUUID().slice(0, 8)}`,
      password: 'Linli-pass-2026',
      roles: [{ role: 'grid_worker', orgUnitId: fx.grid }],
    }),
  },
  handler: async ({ body, principal, services: s, requestId }) => {
    requirePermission(principal, 'users', 'create');
    const grants: Awaited<ReturnType<typeof checkGrant>>[] = [];
    for (const g of body.roles) grants.push(await checkGrant(s, principal, g));
    const [taken] = await s.db.select({ id: users.id }).from(users).where(eq(users.username, body.username));
    if (taken) throw conflict(`The username ${body.username} is taken`);
    const passwordHash = await hashPassword(body.password);
    return s.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          displayName: body.displayName,
          username: body.username,
          passwordHash,
          ...sealPhone(s.vault, body.phone),
        })
        .returning();
      await tx.insert(roleAssignments).values(grants.map((g) => ({ ...g, userId: user!.id })));
      await writeAudit(tx, {
        actorUserId: principal.userId,
        action: 'user_create',
        targetType: 'user',
        targetId: user!.id,
        fields: grants.map((g) => g.role),
        requestId,
      });
      return presentStaff(user!, (await grantsOf(tx, [user!.id])).get(user!.id) ?? [], s.now());
    });
  },
});

const update = defineRoute({
  method: 'patch',
  path: '/users/:id',
  summary: 'Rename, disable, reset the password of, or unlock a staff account',
  tag: 'users',
  auth: 'user',
  params: IdParams,
  body: UpdateUser,
  response: StaffUser,
  matrix: { target: 'staffUser', body: () => ({ unlock: true }) },
  handler: async ({ params, body, principal, services: s, requestId }) => {
    const { user } = await loadUserInScope(s, principal, params.id, 'update');
    if (user.id === principal.userId && body.status === 'disabled')
      throw badRequest('You cannot disable your own account');
    const [row] = await s.db
      .update(users)
      .set({
        ...(body.displayName ? { displayName: body.displayName } : {}),
        ...(body.status ? { status: body.status } : {}),
        ...(body.password
          ? { passwordHash: await hashPassword(body.password), failedLoginCount: 0, lockedUntil: null }
          : {}),
        ...(body.unlock ? { failedLoginCount: 0, lockedUntil: null } : {}),
        updatedAt: s.now(),
      })
      .where(eq(users.id, user.id))
      .returning();
    await writeAudit(s.db, {
      actorUserId: principal.userId,
      action: 'user_update',
      targetType: 'user',
      targetId: user.id,
      fields: Object.keys(body),
      requestId,
    });
    return present(s, row!);
  },
});

const addGrant = defineRoute({
  method: 'post',
  path: '/users/:id/roles',
  summary: 'Grant a role over an org unit',
  tag: 'users',
  auth: 'user',
  params: IdParams,
  body: AddGrant,
  status: 201,
  response: StaffUser,
  matrix: { target: 'staffUser', body: (fx) => ({ role: 'volunteer', orgUnitId: fx.community }) },
  handler: async ({ params, body, principal, services: s, requestId }) => {
    const { user } = await loadUserInScope(s, principal, params.id, 'update');
    const grant = await checkGrant(s, principal, body);
    await s.db
      .insert(roleAssignments)
      .values({ ...grant, userId: user.id })
      .onConflictDoNothing();
    await writeAudit(s.db, {
      actorUserId: principal.userId,
      action: 'role_grant',
      targetType: 'user',
      targetId: user.id,
      fields: [grant.role],
      requestId,
    });
    return present(s, user);
  },
});

const removeGrant = defineRoute({
  method: 'delete',
  path: '/users/:id/roles/:grantId',
  summary: 'Take a role away',
  tag: 'users',
  auth: 'user',
  params: GrantParams,
  response: StaffUser,
  matrix: { target: 'staffUser' },
  handler: async ({ params, principal, services: s, requestId }) => {
    const { user, grants } = await loadUserInScope(s, principal, params.id, 'update');
    const grant = grants.find((g) => g.id === params.grantId);
    if (!grant) throw notFound('Role grant', params.grantId);
    await checkGrant(s, principal, grant);
    await s.db.delete(roleAssignments).where(eq(roleAssignments.id, grant.id));
    await writeAudit(s.db, {
      actorUserId: principal.userId,
      action: 'role_revoke',
      targetType: 'user',
      targetId: user.id,
      fields: [grant.role],
      requestId,
    });
    return present(s, user);
  },
});

export const userRoutes: RouteDef[] = [list, get, create, update, addGrant, removeGrant];
