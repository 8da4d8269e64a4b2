// The room (房屋) import, through real HTTP as the community console would call it.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { and, count, eq, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { createTestServer, type TestServer } from '../testing/server.js';
import { issueSession } from '../auth/tokens.js';
import {
  auditLog,
  buildings,
  compounds,
  importRuns,
  orgUnits,
  roleAssignments,
  rooms,
  units,
  users,
} from '../db/schema.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Org {
  id: string;
  path: string;
}

let server: TestServer;
let community: Org;
let admin: string;
let gridWorker: string;

async function setup(): Promise<void> {
  const db = server.services.db;
  const org = async (kind: 'district' | 'street' | 'community' | 'grid', name: string, parent?: Org) => {
    const id = randomUUID();
    const path = `${parent?.path ?? '/'}${id}/`;
    await db.insert(orgUnits).values({ id, kind, name, parentId: parent?.id ?? null, path });
    return { id, path };
  };
  const district = await org('district', '海淀区');
  const street = await org('street', '学院路街道', district);
  community = await org('community', '幸福社区', street);
  const east = await org('grid', '东区网格', community);
  // an existing compound with one building, unit and room: the import reuses them and refuses the room
  const [c] = await db
    .insert(compounds)
    .values({
      communityId: community.id,
      name: '幸福里小区',
      standardAddress: '幸福里小区',
      orgPath: community.path,
    })
    .returning();
  const [b] = await db
    .insert(buildings)
    .values({
      compoundId: c!.id,
      gridId: east.id,
      name: '1号楼',
      standardAddress: '幸福里小区1号楼',
      orgPath: east.path,
    })
    .returning();
  const [u] = await db
    .insert(units)
    .values({ buildingId: b!.id, name: '1单元', standardAddress: '幸福里小区1号楼1单元', orgPath: east.path })
    .returning();
  await db.insert(rooms).values({
    unitId: u!.id,
    buildingId: b!.id,
    compoundId: c!.id,
    gridId: east.id,
    number: '101',
    standardAddress: '幸福里小区1号楼1单元101',
    orgPath: east.path,
  });
  const session = async (role: 'community_admin' | 'grid_worker', unit: Org) => {
    const [user] = await db.insert(users).values({ displayName: role }).returning();
    await db.insert(roleAssignments).values({ userId: user!.id, role, orgUnitId: unit.id });
    return (await issueSession(server.services, user!.id, 'password')).accessToken;
  };
  admin = await session('community_admin', community);
  gridWorker = await session('grid_worker', east);
}

async function countOf(table: PgTable, where?: SQL): Promise<number> {
  const [row] = await server.services.db.select({ n: count() }).from(table).where(where);
  return Number(row?.n ?? 0);
}

function upload(data: Buffer | string, dryRun: boolean, opts: { type?: string; token?: string } = {}) {
  return server.api.request(
    'POST',
    `/api/v1/imports/rooms?communityId=${community.id}&dryRun=${dryRun}&fileName=rooms.csv`,
    { token: opts.token ?? admin, raw: data, contentType: opts.type ?? 'text/csv' },
  );
}

const HEADER = '小区,楼栋,单元,房号,面积,用途,网格';
const GOOD = [
  '幸福里小区,1号楼,1单元,102,89.5,住宅,',
  '幸福里小区,1,2,201,120,办公,',
  '阳光花园,3号楼,1单元,301室,76.25㎡,商铺,东区网格',
  '阳光花园,3号楼,1单元,302,,,东区网格',
];
// row 3: a room the community has already; row 5: an area that is not a number; row 7 repeats row 6;
// row 8: a new building without a grid
const BAD = [
  '幸福里小区,1号楼,1单元,101,80,住宅,',
  ...GOOD.slice(0, 2),
  '阳光花园,3号楼,1单元,301室,七十平,商铺,东区网格',
  GOOD[3]!,
  '阳光花园,3号楼,1单元,302,,,东区网格',
  '翠湖苑,9号楼,1单元,101,,,',
];
const csv = (rows: string[]) => [HEADER, ...rows].join('\r\n');

beforeAll(async () => {
  server = await createTestServer();
  await setup();
});
afterAll(async () => {
  await server?.close();
});

describe('importing rooms', () => {
  test('a file with bad rows is reported row by row, and a real run of it writes nothing', async () => {
    const dry = await upload(csv(BAD), true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ status: 'checked', totalRows: 7, okRows: 3, badRows: 4 });
    expect(dry.body.problems).toEqual([
      { row: 2, column: '房号', message: 'This room is already registered in this community' },
      { row: 5, column: '面积', message: expect.stringMatching(/^Area "七十平" is not a number/) },
      { row: 7, column: '房号', message: 'Same room as row 6; each room may appear only once' },
      { row: 8, column: '网格', message: expect.stringMatching(/^Building 9号楼 of 翠湖苑 is new/) },
    ]);
    expect(dry.body.created.rooms).toBe(3);

    const real = await upload(csv(BAD), false);
    expect(real.status).toBe(200);
    expect(real.body).toMatchObject({ status: 'rejected', badRows: 4, created: { rooms: 0 } });
    expect(await countOf(rooms)).toBe(1);
    expect(await countOf(units)).toBe(1);
    expect(await countOf(buildings)).toBe(1);
    expect(await countOf(compounds)).toBe(1);
  });

  test('the corrected xlsx file creates the rooms, with their compounds, buildings and units', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('房屋');
    sheet.addRow(['幸福社区房屋登记表']); // a title row above the header
    sheet.addRow(HEADER.split(','));
    for (const r of GOOD) sheet.addRow(r.split(',').map((v, i) => (i === 4 && v ? Number(v) || v : v)));
    const file = Buffer.from(await workbook.xlsx.writeBuffer());

    const res = await upload(file, false, { type: XLSX });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'imported', totalRows: 4, badRows: 0, problems: [] });
    expect(res.body.created.rooms).toBe(4);
    expect(await countOf(rooms)).toBe(5);
    expect(await countOf(compounds)).toBe(2); // 阳光花园 is new
    expect(await countOf(buildings)).toBe(2); // 1号楼 reused ("1" finds it too), 3号楼 new
    expect(await countOf(units)).toBe(3); // 1号楼 2单元 and 3号楼 1单元 are new

    const found = await server.api.request('GET', '/api/v1/rooms?q=阳光花园3号楼', { token: gridWorker });
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(2);
    const shop = found.body.items.find((r: { number: string }) => r.number === '301');
    expect(shop).toMatchObject({ usage: 'commercial' });
    const [row] = await server.services.db.select().from(rooms).where(eq(rooms.number, '301'));
    expect(row).toMatchObject({ areaM2: '76.25', usage: 'commercial', floor: 3 });

    const [run] = await server.services.db.select().from(importRuns).where(eq(importRuns.id, res.body.id));
    expect(run).toMatchObject({ kind: 'rooms', status: 'imported', totalRows: 4 });
    const audits = await countOf(
      auditLog,
      and(eq(auditLog.targetType, 'rooms'), eq(auditLog.targetId, res.body.id as string)),
    );
    expect(audits).toBe(1);

    // the same file again: every room exists now
    const again = await upload(file, true, { type: XLSX });
    expect(again.body.badRows).toBe(4);
  });

  test('a grid worker may not import, and a file without 房号 is refused as a whole', async () => {
    expect((await upload(csv(GOOD), true, { token: gridWorker })).status).toBe(403);
    const res = await upload('小区,楼栋,单元\r\n幸福里小区,1号楼,1单元', true);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual({ missingColumns: ['房号'] });
    expect(await countOf(rooms)).toBe(5);
  });
});
