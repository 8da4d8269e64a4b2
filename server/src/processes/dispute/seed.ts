// Demo data for dispute mediation: each demo community (凤凰社区, 龙潭社区) gets its people's mediation
// committee (人民调解委员会) — the community admin chairs it, its grid workers and volunteers sit on it — and,
// once the diagram is deployed, 凤凰社区 gets one neighbour dispute under mediation. Idempotent: members
// already on the committee and an existing demo dispute are left alone.
import { and, asc, eq, inArray, like } from 'drizzle-orm';
import { orgUnits, residents, roleAssignments, users } from '../../db/schema.js';
import { loadPrincipal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { completeAs, openTaskAt, registerDispute, touch, PROCESS_ID } from './domain.js';
import { disputeCommitteeMembers, disputeSessions, disputes } from './schema.js';

const DEMO_COMMUNITIES = ['凤凰社区', '龙潭社区'];
const DEMO_TITLE = '楼上空调外机噪音扰民';

async function holders(s: Services, path: string, role: 'community_admin' | 'grid_worker' | 'volunteer') {
  const rows = await s.db
    .select({ userId: roleAssignments.userId, name: users.displayName })
    .from(roleAssignments)
    .innerJoin(orgUnits, eq(orgUnits.id, roleAssignments.orgUnitId))
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(eq(roleAssignments.role, role), like(orgUnits.path, `${path}%`), eq(users.status, 'active')))
    .orderBy(asc(users.username));
  return [...new Map(rows.map((r) => [r.userId, r])).values()];
}

export async function seedDemo(s: Services): Promise<void> {
  const communities = await s.db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.kind, 'community'), inArray(orgUnits.name, DEMO_COMMUNITIES)));
  for (const community of communities) {
    const [admins, gridWorkers, volunteers] = await Promise.all([
      holders(s, community.path, 'community_admin'),
      holders(s, community.path, 'grid_worker'),
      holders(s, community.path, 'volunteer'),
    ]);
    const members = [
      ...admins.slice(0, 1).map((u) => ({ userId: u.userId, title: '主任' })),
      ...gridWorkers.slice(0, 2).map((u) => ({ userId: u.userId, title: '委员' })),
      ...volunteers.slice(0, 1).map((u) => ({ userId: u.userId, title: '委员' })),
    ];
    if (members.length)
      await s.db
        .insert(disputeCommitteeMembers)
        .values(members.map((m) => ({ ...m, communityId: community.id })))
        .onConflictDoNothing();
    if (community.name === '凤凰社区') await demoDispute(s, community.id, gridWorkers[0]?.userId);
  }
}

/** one case under mediation, registered by a resident of the community, if the process is deployed */
async function demoDispute(s: Services, communityId: string, mediator: string | undefined): Promise<void> {
  if (!mediator || !(await s.workflow.store.findDefinition({ processId: PROCESS_ID }))) return;
  const [existing] = await s.db
    .select({ id: disputes.id })
    .from(disputes)
    .where(and(eq(disputes.communityId, communityId), eq(disputes.title, DEMO_TITLE)));
  if (existing) return;
  // a resident of the community with an account (the demo's resident1)
  const [resident] = await s.db
    .select({ id: users.id })
    .from(users)
    .innerJoin(residents, eq(residents.id, users.residentId))
    .where(and(eq(residents.communityId, communityId), eq(users.status, 'active')))
    .orderBy(asc(users.username))
    .limit(1);
  const registrant = resident && (await loadPrincipal(s.db, resident.id));
  if (!registrant?.residentId) return;
  const { dispute } = await registerDispute(s, registrant, {
    source: 'resident',
    title: DEMO_TITLE,
    description:
      '楼上住户的空调外机安装在我家卧室窗外，夜间运行噪音很大，影响老人休息。曾两次上门沟通，对方表示无法移机。',
    category: 'neighbour',
    parties: [{ name: '刘海涛', role: 'respondent', address: '凤凰家园3号楼2单元502室' }],
    fileIds: [],
  });
  const [admin] = await holders(s, dispute.orgPath, 'community_admin');
  const decider = admin && (await loadPrincipal(s.db, admin.userId));
  if (!decider) return;
  const task = await openTaskAt(s, dispute, ['Task_Accept'], 'acceptance');
  await completeAs(s, decider, task, true, {
    variables: { decision: 'accept', mediatorId: mediator, category: 'neighbour' },
    outcome: 'accept',
    comment: '属于邻里纠纷，予以受理',
  });
  const now = s.now();
  await touch(
    s.db,
    dispute.id,
    {
      status: 'mediating',
      category: 'neighbour',
      mediatorId: mediator,
      acceptedBy: decider.userId,
      acceptedAt: now,
    },
    now,
  );
  await s.db.insert(disputeSessions).values({
    disputeId: dispute.id,
    seq: 1,
    heldAt: now,
    place: '凤凰社区人民调解室',
    attendees: ['申请人', '刘海涛', '网格员'],
    notes: '双方到场。刘海涛同意加装减震垫并在晚十点后调高温度设定，申请人希望移机，双方约定一周后再谈。',
    recordedBy: mediator,
  });
}
