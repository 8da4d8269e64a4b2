// The events routes' rows of the authorisation matrix (policy/matrix.test.ts merges them), and the fixtures
// their `:id`s name, made in each test world: events waiting at each step, a hotline ticket, a category.
import type { Actor } from '@linli/workflows';
import { loadPrincipal } from '../../policy/principal.js';
import { ADMINS, ALL, STAFF_READERS, type Expectation, type MatrixFixtures } from '../../testing/matrix.js';
import { readBundledProcess } from '../deploy.js';
import { seedDefaultCategories } from './categories.js';
import { latestTask } from './domain.js';
import { fileHotlineTicket, reportEvent } from './report.js';
import { eventCategories } from './schema.js';

const REPORTERS = ALL.filter((r) => r !== 'technician');

export const expectations: Record<string, Expectation> = {
  'GET /event-categories': { in: ALL, why: 'reporters pick a category' },
  'POST /event-categories': { in: ADMINS },
  'PATCH /event-categories/:id': { in: ADMINS },
  'POST /events': {
    in: REPORTERS,
    why: 'residents report from home; staff report patrol findings in their area',
  },
  'POST /events/hotline': {
    in: ['grid_worker', ...ADMINS],
    why: '12345 tickets are entered by the community',
  },
  'GET /hotline-tickets/:id': { in: STAFF_READERS },
  'GET /events': { in: REPORTERS },
  'GET /events/:id': { in: ['resident', ...STAFF_READERS], why: 'the reporter, and staff of the area' },
  'POST /events/:id/classify': {
    in: ['grid_worker', ...ADMINS],
    why: 'the grid and the community classify; supervisors may too',
  },
  'POST /events/:id/handle': {
    in: ['grid_worker', ...ADMINS],
    why: 'whoever it was dispatched to, or supervisors',
  },
  'POST /events/:id/rate': { in: ['resident'], why: 'only the reporter rates' },
};

export const fixtures: MatrixFixtures = async (s, world) => {
  const ids = world.ids;
  await seedDefaultCategories(s.db);
  await s.workflow.runtime.deploy(await readBundledProcess('community-event.bpmn'), null);
  const resident = (await loadPrincipal(s.db, world.users.resident))!;
  const grid = (await loadPrincipal(s.db, world.users.grid_worker))!;
  const admin = (await loadPrincipal(s.db, world.users.community_admin))!;

  const read = await reportEvent(s, resident, {
    category: 'other',
    description: '小区儿童游乐设施旁有碎玻璃',
    photoFileIds: [],
    roomId: ids.room,
  });
  ids.event = read.id;
  ids.classifyEvent = (
    await reportEvent(s, resident, { description: '楼道里有不明气味', photoFileIds: [], roomId: ids.room })
  ).id;
  ids.handleEvent = (
    await reportEvent(s, grid, { category: 'other', description: '巡查发现路面井盖松动', photoFileIds: [] })
  ).id;

  const rating = await reportEvent(s, resident, {
    category: 'other',
    description: '单元门口地砖破损',
    photoFileIds: [],
    roomId: ids.room,
  });
  const task = await latestTask(s, rating.instanceId, 'Task_Handle');
  const worker: Actor = { userId: world.users.grid_worker, groups: ['grid_worker'] };
  await s.workflow.tasks.complete(task!.id, worker, { outcome: 'done', variables: { outcome: 'done' } });
  ids.rateEvent = rating.id;

  const ticketNo = `HX-${ids.community!.slice(0, 8)}`;
  await fileHotlineTicket(s, admin, {
    ticketNo,
    description: '市民来电反映小区门口共享单车乱停放',
    orgUnitId: ids.grid,
  });
  ids.hotlineTicket = ticketNo;

  const [category] = await s.db
    .insert(eventCategories)
    .values({
      code: 'matrix_cat',
      name: '楼道广告',
      target: 'grid_worker',
      limitValue: 2,
      limitUnit: 'working_days',
      orgPath: admin.grants[0]!.orgPath,
    })
    .returning();
  ids.eventCategory = category!.id;
};
