// Accounts: finding, presenting, and the sign-in rules (lockout, demo accounts).
import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { orgUnits, residents, roleAssignments, users } from '../db/schema.js';
import type { Services } from '../services.js';

export type UserRow = typeof users.$inferSelect;

export interface GrantView {
  id: string;
  role: (typeof roleAssignments.$inferSelect)['role'];
  orgUnitId: string;
  orgUnitName: string;
  propertyCompanyId: string | null;
}

export async function grantsOf(db: DbOrTx, userIds: string[]): Promise<Map<string, GrantView[]>> {
  const map = new Map<string, GrantView[]>();
  if (userIds.length === 0) return map;
  const rows = await db
    .select({
      id: roleAssignments.id,
      userId: roleAssignments.userId,
      role: roleAssignments.role,
      orgUnitId: roleAssignments.orgUnitId,
      orgUnitName: orgUnits.name,
      propertyCompanyId: roleAssignments.propertyCompanyId,
    })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(inArray(roleAssignments.userId, userIds));
  for (const { userId, ...grant } of rows) {
    const list = map.get(userId) ?? [];
    list.push(grant);
    map.set(userId, list);
  }
  return map;
}

/** The signed-in person's own view of their account: their own phone in full. */
export async function presentMe(s: Services, user: UserRow) {
  const grants = (await grantsOf(s.db, [user.id])).get(user.id) ?? [];
  const roles = user.residentId
    ? [...grants, { role: 'resident' as const, orgUnitId: await residentCommunity(s.db, user.residentId) }]
    : grants;
  return {
    id: user.id,
    displayName: user.displayName,
    username: user.username,
    residentId: user.residentId,
    roles,
    phone: user.phoneEnc ? s.vault.decrypt(user.phoneEnc) : null,
    realNameVerified: user.realNameVerifiedAt !== null,
  };
}

async function residentCommunity(db: DbOrTx, residentId: string): Promise<string> {
  const [row] = await db
    .select({ c: residents.communityId })
    .from(residents)
    .where(eq(residents.id, residentId));
  return row?.c ?? '';
}

/** Staff see each other's phones masked. */
export function presentStaff(user: UserRow, grants: GrantView[], now: Date) {
  return {
    id: user.id,
    displayName: user.displayName,
    username: user.username,
    phone: user.phoneMasked,
    status: user.status,
    locked: user.lockedUntil !== null && user.lockedUntil > now,
    roles: grants,
  };
}

export async function findUserBy(db: DbOrTx, column: 'username' | 'openid' | 'unionid', value: string) {
  const col =
    column === 'username' ? users.username : column === 'openid' ? users.wechatOpenid : users.wechatUnionid;
  const [row] = await db.select().from(users).where(eq(col, value));
  return row;
}
