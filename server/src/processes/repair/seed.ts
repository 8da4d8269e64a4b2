// Demo data of the repair process: the duty roster of the demo communities' technicians (凤凰物业's 马立新 on
// duty for plumbing, electricity, doors and gas; 郭振东 for everything, lifts included). Idempotent: an entry
// that exists is left as it is (staff may have changed it). 龙潭社区's compound has no property company, so
// it has no technicians and no roster.
import { and, eq, inArray } from 'drizzle-orm';
import { compounds, orgUnits, roleAssignments, users } from '../../db/schema.js';
import type { Services } from '../../services.js';
import type { RepairCategory } from './domain.js';
import { repairDutyRoster } from './schema.js';

const DEMO_COMMUNITIES = ['凤凰社区', '龙潭社区'];

/** what each technician of a community does, in the order they were added; the last pattern repeats */
const SPECIALITIES: RepairCategory[][] = [['water', 'electricity', 'door', 'gas', 'other'], []];

export async function seedDemo(s: Services): Promise<void> {
  const communities = await s.db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.kind, 'community'), inArray(orgUnits.name, DEMO_COMMUNITIES)));
  for (const community of communities) {
    const technicians = await s.db
      .select({
        userId: roleAssignments.userId,
        propertyCompanyId: roleAssignments.propertyCompanyId,
        username: users.username,
      })
      .from(roleAssignments)
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .where(and(eq(roleAssignments.role, 'technician'), eq(roleAssignments.orgUnitId, community.id)))
      .orderBy(users.username);
    for (const [i, tech] of technicians.entries()) {
      if (!tech.propertyCompanyId) continue;
      const managed = await s.db
        .select({ id: compounds.id })
        .from(compounds)
        .where(
          and(
            eq(compounds.communityId, community.id),
            eq(compounds.propertyCompanyId, tech.propertyCompanyId),
          ),
        );
      if (!managed.length) continue;
      await s.db
        .insert(repairDutyRoster)
        .values({
          technicianId: tech.userId,
          propertyCompanyId: tech.propertyCompanyId,
          communityId: community.id,
          orgPath: community.path,
          // every compound the company manages in the community
          compoundIds: [],
          categories: SPECIALITIES[Math.min(i, SPECIALITIES.length - 1)]!,
          onDuty: true,
        })
        .onConflictDoNothing();
    }
  }
}
