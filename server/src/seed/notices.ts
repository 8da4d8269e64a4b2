// Demo notices (社区公告) and party-building news (党建) of 凤凰社区, published by its community admin over the
// last days. Idempotent: it writes once (app_meta 'demo_notices') and does nothing without the demo community.
import { and, eq } from 'drizzle-orm';
import { appMeta, notices, orgUnits, users } from '../db/schema.js';
import type { Services } from '../services.js';

const META_KEY = 'demo_notices';
const DAY = 86_400_000;

const DEMO: {
  kind: 'notice' | 'party_news';
  title: string;
  body: string;
  daysAgo: number;
  pinned?: boolean;
}[] = [
  {
    kind: 'notice',
    title: '关于凤凰家园小区临时停水的通知',
    body: '各位居民：\n\n因市政供水管网维修，凤凰家园小区1—6号楼将于本周六8:00至14:00暂停供水，恢复供水初期水质可能略有浑浊，请放水片刻后再使用。\n\n请大家提前做好储水准备，关好家中水龙头，避免来水时跑水。如有疑问，请拨打社区服务电话0538-8261234。\n\n凤凰社区居委会',
    daysAgo: 0,
    pinned: true,
  },
  {
    kind: 'notice',
    title: '垃圾分类定时定点投放倡议',
    body: '为创建整洁美丽的家园，自下月1日起，小区实行垃圾分类定时定点投放：每天7:00—9:00、18:00—20:00在各楼栋分类亭投放，其余时间请投放至小区东门集中收集点。\n\n厨余垃圾请沥干水分、去除包装；有害垃圾（废电池、过期药品）请投入红色收集箱。\n\n分类做得好的家庭可获得志愿积分，欢迎大家积极参与。',
    daysAgo: 2,
  },
  {
    kind: 'notice',
    title: '社区消防安全演练通知',
    body: '为提高居民火灾应急处置能力，社区联合岱庙消防救援站将于本月20日上午9:30在凤凰家园中心广场开展消防安全演练，内容包括灭火器使用、楼道疏散和初期火灾扑救。\n\n演练期间会拉响警报，请大家不要惊慌。欢迎居民朋友特别是老年人和儿童家长前来观摩学习。\n\n请不要在楼道内堆放杂物、为电动车违规充电，共同守护安全通道。',
    daysAgo: 4,
  },
  {
    kind: 'party_news',
    title: '凤凰社区党委开展“学思想、践初心”主题党日活动',
    body: '本月5日，凤凰社区党委组织辖区40余名党员走进泰山革命烈士陵园，开展“学思想、践初心”主题党日活动。\n\n党员们重温入党誓词，聆听革命先烈的英雄事迹，并围绕“如何在家门口为群众办实事”进行了交流发言。\n\n社区党委书记表示，将把学习成果转化为服务居民的实际行动，持续推进“党建引领网格治理”。',
    daysAgo: 1,
  },
  {
    kind: 'party_news',
    title: '党员志愿服务队走进独居老人家中',
    body: '周末，社区党员志愿服务队分成四个小组，走访了辖区12户独居老人，帮助他们打扫卫生、检查用电用气安全、更换老化的插线板。\n\n志愿者们还为老人测量血压，讲解防范电信诈骗知识，并留下了网格员的联系电话。\n\n今后，党员志愿服务队将每月定期走访，让独居老人感受到社区大家庭的温暖。',
    daysAgo: 3,
  },
];

export async function seedNoticeDemo(s: Services): Promise<void> {
  const [done] = await s.db.select().from(appMeta).where(eq(appMeta.key, META_KEY));
  if (done) return;
  const [fenghuang] = await s.db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.name, '凤凰社区'), eq(orgUnits.kind, 'community')));
  const [admin] = await s.db.select().from(users).where(eq(users.username, 'community.admin'));
  if (!fenghuang || !admin) return;
  const now = s.now().getTime();
  await s.db.transaction(async (tx) => {
    await tx.insert(notices).values(
      DEMO.map((n) => {
        const at = new Date(now - n.daysAgo * DAY);
        return {
          orgUnitId: fenghuang.id,
          orgPath: fenghuang.path,
          kind: n.kind,
          title: n.title,
          body: n.body,
          pinned: n.pinned ?? false,
          status: 'published' as const,
          publishedAt: at,
          authorUserId: admin.id,
          authorName: admin.displayName,
          createdAt: at,
          updatedAt: at,
        };
      }),
    );
    await tx.insert(appMeta).values({ key: META_KEY, value: { notices: DEMO.length } });
  });
}
