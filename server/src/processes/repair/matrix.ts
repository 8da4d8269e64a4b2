// The repair routes' rows of the authorisation matrix (policy/matrix.test.ts merges them), and the fixtures
// their `:id`s name, made in each test world: one repair waiting at each step, the world's technician on the
// duty roster (off duty, so that the fixtures' repairs wait for a dispatcher), and a photo the technician
// uploaded for the fix.
import type { RouteContext } from '../../http/route.js';
import { files } from '../../db/schema.js';
import { loadPrincipal } from '../../policy/principal.js';
import { ADMINS, ALL, type Expectation, type MatrixFixtures } from '../../testing/matrix.js';
import { readBundledProcess } from '../deploy.js';
import { dutyRoutes } from './duty.js';
import { repairRoutes } from './routes.js';
import { repairDutyRoster } from './schema.js';

export const expectations: Record<string, Expectation> = {
  'POST /repairs': {
    in: ['resident', 'grid_worker', 'property_staff', 'community_admin'],
    why: 'a resident for the room they are bound to; staff of the area by phone (the volunteer lives elsewhere)',
  },
  'GET /repairs': { in: ALL },
  'GET /repairs/:id': {
    in: ['resident', 'grid_worker', 'property_staff', 'technician', ...ADMINS],
    why: 'the reporter, the technician it is dispatched to, staff of the area',
  },
  'POST /repairs/:id/dispatch': { in: ['property_staff'], why: "the property company's dispatcher" },
  'POST /repairs/:id/accept': { in: ['technician'], why: 'the technician it is dispatched to' },
  'POST /repairs/:id/fix': { in: ['technician'] },
  'POST /repairs/:id/send-back': { in: ['technician'] },
  'POST /repairs/:id/resume': { in: ['technician'] },
  'POST /repairs/:id/community': {
    in: ['grid_worker', 'community_admin'],
    why: "not the property's responsibility: the grid worker or the community admin",
  },
  'POST /repairs/:id/confirm': { in: ['resident'], why: 'only the reporter confirms and rates' },
  'POST /repairs/:id/review': { in: ['property_staff'], why: 'the property manager reviews bad ratings' },
  'GET /repair-queue': { in: ['property_staff'], why: 'the dispatcher’s queue (派单台)' },
  'GET /repair-duty': { in: ['property_staff', 'technician', ...ADMINS] },
  'POST /repair-duty': { in: ['property_staff'] },
  'GET /repair-duty/technicians': { in: ['property_staff'], why: 'the property staff who keep the roster' },
  'DELETE /repair-duty/:id': { in: ['property_staff'], why: 'the property staff who keep the roster' },
  'PATCH /repair-duty/:id': {
    in: ['property_staff', 'technician'],
    why: 'the property staff, and the technician going on or off duty',
  },
};

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

const routeOf = (path: string) => [...repairRoutes, ...dutyRoutes].find((r) => r.path === path)!;

export const fixtures: MatrixFixtures = async (s, world) => {
  await s.workflow.runtime.deploy(await readBundledProcess('repair.bpmn'), null);
  const ids = world.ids;
  const who = async (role: keyof typeof world.users) => (await loadPrincipal(s.db, world.users[role]))!;
  const [resident, staff, tech] = await Promise.all([
    who('resident'),
    who('property_staff'),
    who('technician'),
  ]);
  const call = async (path: string, principal: typeof resident, body: unknown, id?: string) =>
    (await routeOf(path).handler({
      params: id ? { id } : {},
      query: {},
      body,
      principal,
      services: s,
    } as unknown as RouteContext<unknown, unknown, unknown>)) as { id: string };
  const photo = async () => {
    const stored = await s.files.put(JPEG);
    const [row] = await s.db
      .insert(files)
      .values({
        name: '完工照片.jpg',
        kind: 'image',
        contentType: 'image/jpeg',
        size: JPEG.length,
        sha256: stored.sha256,
        storageKey: stored.key,
        uploadedBy: tech.userId,
      })
      .returning();
    return row!.id;
  };
  const report = async (description: string) =>
    (
      await call('/repairs', resident, {
        roomId: ids.room,
        category: 'water',
        description,
        photoFileIds: [],
      })
    ).id;
  const dispatched = async (description: string) => {
    const id = await report(description);
    await call('/repairs/:id/dispatch', staff, { technicianId: tech.userId }, id);
    return id;
  };
  const accepted = async (description: string) => {
    const id = await dispatched(description);
    await call('/repairs/:id/accept', tech, { decision: 'accept' }, id);
    return id;
  };
  const fixed = async (description: string) => {
    const id = await accepted(description);
    await call(
      '/repairs/:id/fix',
      tech,
      { note: '已修复', afterPhotoFileIds: [await photo()], materials: [] },
      id,
    );
    return id;
  };

  ids.technicianUser = tech.userId;
  ids.repairDispatch = await report('卫生间地漏返水');
  ids.repair = await dispatched('厨房水槽下水管漏水');
  ids.repairAccept = await dispatched('阳台水龙头滴水');
  ids.repairFix = await accepted('洗手盆龙头关不严');
  ids.repairSendBack = await accepted('热水器进水阀漏水');
  ids.repairResume = await accepted('马桶水箱配件损坏');
  await call(
    '/repairs/:id/send-back',
    tech,
    { reason: 'needs_parts', comment: '需订购水箱配件' },
    ids.repairResume,
  );
  ids.repairCommunity = await accepted('入户总水管爆裂');
  await call(
    '/repairs/:id/send-back',
    tech,
    { reason: 'not_ours', comment: '属自来水公司管网' },
    ids.repairCommunity,
  );
  ids.repairConfirm = await fixed('厨房龙头更换');
  ids.repairReview = await fixed('卫生间漏水复修');
  await call('/repairs/:id/confirm', resident, { rating: 1, comment: '还是漏水' }, ids.repairReview);
  ids.technicianPhoto = await photo();
  const [duty] = await s.db
    .insert(repairDutyRoster)
    .values({
      technicianId: tech.userId,
      propertyCompanyId: ids.propertyCompany!,
      communityId: ids.community!,
      orgPath: `/${ids.district}/${ids.street}/${ids.community}/`,
      onDuty: false,
    })
    .returning();
  ids.dutyEntry = duty!.id;
  // a second entry for the route that takes someone off the roster (the row, not the person, is what counts)
  const [spare] = await s.db
    .insert(repairDutyRoster)
    .values({
      technicianId: staff.userId,
      propertyCompanyId: ids.propertyCompany!,
      communityId: ids.community!,
      orgPath: `/${ids.district}/${ids.street}/${ids.community}/`,
      onDuty: false,
    })
    .returning();
  ids.dutyEntrySpare = spare!.id;
};
