// Demo data of the events process: the default categories (every installation needs them, demo or not), and
// in 凤凰社区 a few events at different steps of the loop: a grid worker's patrol report of a fire hazard
// waiting to be handled, a resident's sanitation report with the property company, and a 12345 ticket
// waiting to be classified. Idempotent: a community that already has events gets none added.
import { and, eq, inArray, like } from 'drizzle-orm';
import { orgUnits, users } from '../../db/schema.js';
import { loadPrincipal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { readBundledProcess } from '../deploy.js';
import { seedDefaultCategories } from './categories.js';
import { PROCESS_ID } from './domain.js';
import { fileHotlineTicket, reportEvent } from './report.js';
import { communityEvents } from './schema.js';

export async function seedDemo(s: Services): Promise<void> {
  await seedDefaultCategories(s.db);
  // the demo's events need the process; deploy the bundled diagram only where it has never been deployed
  if (!(await s.workflow.store.findDefinition({ processId: PROCESS_ID })))
    await s.workflow.runtime.deploy(await readBundledProcess('community-event.bpmn'), null);

  const [community] = await s.db
    .select()
    .from(orgUnits)
    .where(and(eq(orgUnits.kind, 'community'), eq(orgUnits.name, '凤凰社区')));
  if (!community) return;
  const [existing] = await s.db
    .select({ id: communityEvents.id })
    .from(communityEvents)
    .where(like(communityEvents.orgPath, `${community.path}%`))
    .limit(1);
  if (existing) return;

  const accounts = await s.db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(inArray(users.username, ['grid1', 'resident1', 'community.admin']));
  const principal = async (username: string) => {
    const id = accounts.find((a) => a.username === username)?.id;
    return id ? loadPrincipal(s.db, id) : undefined;
  };

  const grid = await principal('grid1');
  if (grid)
    await reportEvent(s, grid, {
      category: 'fire_hazard',
      description: '巡查发现3号楼2单元一至三层楼道堆放纸箱、旧家具，占用疏散通道，存在消防隐患',
      photoFileIds: [],
      address: '凤凰社区3号楼2单元楼道',
    });
  const resident = await principal('resident1');
  if (resident?.residentId)
    await reportEvent(s, resident, {
      category: 'sanitation',
      description: '单元门口的垃圾桶已经满了两天没人清运，夏天气味很大，麻烦物业处理一下',
      photoFileIds: [],
    });
  const admin = await principal('community.admin');
  if (admin)
    await fileHotlineTicket(s, admin, {
      ticketNo: 'TA20260601-0318',
      description: '市民来电反映：凤凰社区南门外每天傍晚有流动摊贩占道经营，影响车辆通行，希望尽快处理',
      callerName: '李女士',
      address: '凤凰社区南门外人行道',
    });
}
