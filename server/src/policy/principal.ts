import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { orgUnits, roleAssignments, users } from '../db/schema.js';
import type { Role } from './permissions.js';

export interface Grant {
  role: Role;
  orgUnitId: string;
  orgPath: string;
  orgKind: 'district' | 'street' | 'community' | 'grid';
  propertyCompanyId: string | null;
}

/** Who is calling: the account, the resident record it is bound to, and its roles with their org scope. */
export interface Principal {
  userId: string;
  displayName: string;
  residentId: string | null;
  grants: Grant[];
}

export async function loadPrincipal(db: DbOrTx, userId: string): Promise<Principal | undefined> {
  const [user] = await db
    .select({
      id: users.id,
      displayName: users.displayName,
      residentId: users.residentId,
      status: users.status,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || user.status !== 'active') return undefined;
  const rows = await db
    .select({
      role: roleAssignments.role,
      orgUnitId: roleAssignments.orgUnitId,
      orgPath: orgUnits.path,
      orgKind: orgUnits.kind,
      propertyCompanyId: roleAssignments.propertyCompanyId,
    })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .where(eq(roleAssignments.userId, userId));
  return { userId: user.id, displayName: user.displayName, residentId: user.residentId, grants: rows };
}
