// Demo data of the volunteer process for 凤凰社区 (and a little for 龙潭社区): registered volunteers (some party
// members) with a history of services and points, completed wishes and activities, an open activity and wishes
// waiting for review and for a volunteer, and a points mall stocked by the community and local shops.
// Idempotent: it writes once (app_meta 'demo_volunteer') and does nothing when the demo communities are missing.
import { and, asc, eq, isNull, like } from 'drizzle-orm';
import { appMeta, orgUnits, organisations, residents, users } from '../../db/schema.js';
import { loadPrincipal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { communityPathOf } from './domain.js';
import { reviewActivity, startActivityCase } from './routes.js';
import {
  mallItems,
  pointsLedger,
  volunteerActivities,
  volunteerParticipations,
  volunteerProfiles,
} from './schema.js';

const META_KEY = 'demo_volunteer';
const DAY = 86_400_000;

export async function seedDemo(s: Services): Promise<void> {
  const [done] = await s.db.select().from(appMeta).where(eq(appMeta.key, META_KEY));
  if (done) return;
  const [fenghuang] = await s.db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.name, '凤凰社区'), eq(orgUnits.kind, 'community')));
  if (!fenghuang) return;
  const account = async (username: string) =>
    (await s.db.select().from(users).where(eq(users.username, username)))[0];
  const [admin, grid1, volunteer1, resident1] = await Promise.all(
    ['community.admin', 'grid1', 'volunteer1', 'resident1'].map(account),
  );
  if (!admin || !grid1 || !volunteer1 || !resident1) return;
  const communityPath = fenghuang.path;
  const now = s.now();
  const ago = (days: number, hour = 10) => new Date(now.getTime() - days * DAY + (hour - 10) * 3_600_000);

  // three more volunteers: residents of the community who have no account yet get one (no password: they
  // sign in with WeChat in real life)
  const neighbours = await s.db
    .select({ id: residents.id, name: residents.name, orgPath: residents.orgPath })
    .from(residents)
    .leftJoin(users, eq(users.residentId, residents.id))
    .where(
      and(
        eq(residents.communityId, fenghuang.id),
        isNull(users.id),
        like(residents.orgPath, `${communityPath}%`),
      ),
    )
    .orderBy(asc(residents.name))
    .limit(3);
  const extra: { id: string; name: string }[] = [];
  for (const n of neighbours) {
    const [u] = await s.db
      .insert(users)
      .values({ displayName: n.name, residentId: n.id, isDemo: true })
      .returning();
    extra.push({ id: u!.id, name: n.name });
  }
  const homeOf = async (userId: string) => {
    const [u] = await s.db.select({ residentId: users.residentId }).from(users).where(eq(users.id, userId));
    if (!u?.residentId) return { residentId: null, orgPath: communityPath };
    const [r] = await s.db
      .select({ orgPath: residents.orgPath })
      .from(residents)
      .where(eq(residents.id, u.residentId));
    return { residentId: u.residentId, orgPath: r?.orgPath ?? communityPath };
  };
  const volunteers = [
    { id: volunteer1.id, party: true, skills: ['助老', '理发', '家电维修'] },
    ...extra.map((e, i) => ({
      id: e.id,
      party: i === 0,
      skills: [['陪伴聊天', '代买代购'], ['垃圾分类宣传'], ['法律咨询', '书法']][i] ?? [],
    })),
  ];
  for (const v of volunteers) {
    const home = await homeOf(v.id);
    await s.db
      .insert(volunteerProfiles)
      .values({
        userId: v.id,
        residentId: home.residentId,
        communityId: fenghuang.id,
        orgPath: home.orgPath,
        isPartyMember: v.party,
        skills: v.skills,
        status: 'approved',
        reviewedBy: grid1.id,
        reviewedAt: ago(120),
        createdAt: ago(125),
      })
      .onConflictDoNothing();
  }

  // history: completed wishes and activities, their participations and the credits they earned
  const history: {
    kind: 'wish' | 'activity';
    title: string;
    description: string;
    place: string;
    daysAgo: number;
    points: number;
    hours: number;
    by: string;
    who: string[];
  }[] = [
    {
      kind: 'activity',
      title: '重阳节敬老院慰问',
      description: '为泰山区敬老院的老人表演节目、包饺子',
      place: '泰山区敬老院',
      daysAgo: 40,
      points: 30,
      hours: 3,
      by: admin.id,
      who: volunteers.map((v) => v.id),
    },
    {
      kind: 'wish',
      title: '帮独居老人买菜',
      description: '腿脚不便，想请人每周帮忙买一次菜',
      place: '凤凰家园',
      daysAgo: 21,
      points: 15,
      hours: 1.5,
      by: resident1.id,
      who: [volunteer1.id],
    },
    {
      kind: 'activity',
      title: '垃圾分类入户宣传',
      description: '挨家挨户发放垃圾分类指南并讲解',
      place: '凤凰花园',
      daysAgo: 12,
      points: 20,
      hours: 2,
      by: grid1.id,
      who: volunteers.slice(1).map((v) => v.id),
    },
    {
      kind: 'activity',
      title: '社区义务理发',
      description: '为社区老人免费理发',
      place: '凤凰社区党群服务中心',
      daysAgo: 5,
      points: 25,
      hours: 2.5,
      by: admin.id,
      who: [volunteer1.id],
    },
  ];
  for (const h of history) {
    const orgPath = h.by === resident1.id ? (await homeOf(resident1.id)).orgPath : communityPath;
    const [activity] = await s.db
      .insert(volunteerActivities)
      .values({
        kind: h.kind,
        communityId: fenghuang.id,
        orgPath,
        title: h.title,
        description: h.description,
        place: h.place,
        startsAt: ago(h.daysAgo, 9),
        endsAt: ago(h.daysAgo, 9 + Math.ceil(h.hours)),
        slots: Math.max(1, h.who.length),
        points: h.points,
        hours: String(h.hours),
        createdBy: h.by,
        status: 'completed',
        reviewedBy: admin.id,
        createdAt: ago(h.daysAgo + 5),
        updatedAt: ago(h.daysAgo),
      })
      .returning();
    for (const userId of h.who) {
      const [part] = await s.db
        .insert(volunteerParticipations)
        .values({
          activityId: activity!.id,
          userId,
          orgPath,
          status: 'confirmed',
          hours: String(h.hours),
          confirmedBy: h.by,
          confirmedAt: ago(h.daysAgo, 18),
          createdAt: ago(h.daysAgo + 3),
        })
        .returning();
      await s.db.insert(pointsLedger).values({
        userId,
        communityId: fenghuang.id,
        orgPath: communityPathOf(orgPath) ?? communityPath,
        amount: h.points,
        kind: 'service',
        causeKey: `demo:${activity!.id}:${part!.id}`,
        step: 'Task_Credit',
        activityId: activity!.id,
        participationId: part!.id,
        hours: String(h.hours),
        note: `${h.kind === 'wish' ? '微心愿' : '志愿活动'}“${h.title}”志愿服务${h.hours}小时`,
        at: ago(h.daysAgo, 18),
      });
    }
  }

  // the mall: the community's own canteen vouchers and goods from the shops of 凤凰社区
  const shop = async (name: string) =>
    (
      await s.db
        .select()
        .from(organisations)
        .where(and(eq(organisations.communityId, fenghuang.id), eq(organisations.name, name)))
    )[0];
  const items = [
    {
      name: '洗衣液（2kg）',
      description: '立白洗衣液一桶',
      kind: 'goods',
      price: 30,
      stock: 20,
      shop: '家家乐生活超市',
    },
    {
      name: '理发服务券',
      description: '凭券到店理发一次（限男士短发）',
      kind: 'service',
      price: 50,
      stock: 10,
      shop: '岱宗理发店',
    },
    {
      name: '社区食堂餐券',
      description: '凤凰社区长者食堂午餐一份',
      kind: 'service',
      price: 20,
      stock: 50,
      shop: null,
    },
    {
      name: '煎饼果子兑换券',
      description: '老泰安煎饼铺煎饼一套',
      kind: 'service',
      price: 10,
      stock: 30,
      shop: '老泰安煎饼铺',
    },
    {
      name: '鲜果礼盒',
      description: '时令水果约2斤',
      kind: 'goods',
      price: 60,
      stock: 5,
      shop: '东岳鲜果店',
    },
  ] as const;
  for (const item of items) {
    const org = item.shop ? await shop(item.shop) : undefined;
    await s.db.insert(mallItems).values({
      communityId: fenghuang.id,
      orgPath: communityPath,
      name: item.name,
      description: item.description,
      kind: item.kind,
      pointsPrice: item.price,
      stock: item.stock,
      organisationId: org?.id ?? null,
      providerName: org?.name ?? item.shop ?? '凤凰社区',
      createdBy: admin.id,
      createdAt: ago(60),
      updatedAt: ago(60),
    });
  }

  // live cases, when the processes are deployed: an activity open for sign-up, a wish waiting for a
  // volunteer and one waiting for the grid worker's review
  const [adminP, gridP, residentP] = await Promise.all(
    [admin.id, grid1.id, resident1.id].map((id) => loadPrincipal(s.db, id)),
  );
  const deployed = await s.workflow.store.findDefinition({ processId: 'volunteer_activity' });
  if (deployed && adminP && gridP && residentP) {
    const start = new Date(now.getTime() + 3 * DAY);
    start.setUTCHours(1, 0, 0, 0); // 09:00 China time
    const activity = await startActivityCase(s, adminP, {
      kind: 'activity',
      communityId: fenghuang.id,
      orgPath: communityPath,
      title: '周末楼道小广告清理',
      description: '清理凤凰家园各楼道小广告，工具由社区提供',
      place: '凤凰家园',
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * 3_600_000),
      slots: 10,
      points: 20,
      hours: 2,
      photoIds: [],
    });
    await reviewActivity(s, adminP, activity.id, { approve: true });
    const residentHome = (await homeOf(resident1.id)).orgPath;
    const wish = (title: string, description: string) =>
      startActivityCase(s, residentP, {
        kind: 'wish',
        communityId: fenghuang.id,
        orgPath: residentHome,
        title,
        description,
        place: '凤凰家园',
        startsAt: null,
        endsAt: null,
        slots: 1,
        points: 10,
        hours: 1,
        photoIds: [],
      });
    const open = await wish('帮忙安装晾衣架', '新买的晾衣架不会装，需要一位会用电钻的志愿者');
    await reviewActivity(s, adminP, open.id, { approve: true, points: 15 });
    await wish('教我用手机挂号', '想学会在手机上预约医院门诊');
  }

  await s.db
    .insert(appMeta)
    .values({ key: META_KEY, value: { volunteers: volunteers.length, items: items.length } })
    .onConflictDoNothing();
}
