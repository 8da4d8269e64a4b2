// The resident register import, through real HTTP as the community console would call it.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { and, count, eq, like, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { createTestServer, type TestServer } from '../testing/server.js';
import { issueSession } from '../auth/tokens.js';
import {
  auditLog,
  buildings,
  compounds,
  householdBindings,
  importRuns,
  orgUnits,
  residents,
  roleAssignments,
  rooms,
  units,
  users,
} from '../db/schema.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PREFIX = '北京市海淀区学院路街道幸福社区';

// ---- fixture: an org tree, one existing compound, and staff of several roles

interface Org {
  id: string;
  path: string;
}
interface World {
  district: Org;
  community: Org;
  east: Org;
  west: Org;
  other: Org;
  admin: string;
  otherAdmin: string;
  gridWorker: string;
  resident: string;
}

async function buildWorld(server: TestServer): Promise<World> {
  const db = server.services.db;
  const org = async (
    kind: 'district' | 'street' | 'community' | 'grid',
    name: string,
    parent?: Org,
  ): Promise<Org> => {
    const id = randomUUID();
    const path = `${parent?.path ?? '/'}${id}/`;
    await db.insert(orgUnits).values({ id, kind, name, parentId: parent?.id ?? null, path });
    return { id, path };
  };
  const district = await org('district', '海淀区');
  const street = await org('street', '学院路街道', district);
  const community = await org('community', '幸福社区', street);
  const east = await org('grid', '东区网格', community);
  const west = await org('grid', '西区网格', community);
  const other = await org('community', '和平社区', street);
  await org('grid', '和平一网格', other);

  // the register names 幸福里小区 and its 1号楼, which the community already has: they must be reused
  const [existing] = await db
    .insert(compounds)
    .values({
      communityId: community.id,
      name: '幸福里小区',
      standardAddress: `${PREFIX}幸福里小区`,
      orgPath: community.path,
    })
    .returning();
  await db.insert(buildings).values({
    compoundId: existing!.id,
    gridId: east.id,
    name: '1号楼',
    standardAddress: `${PREFIX}幸福里小区1号楼`,
    orgPath: east.path,
  });

  const session = async (
    role: 'community_admin' | 'grid_worker' | 'resident',
    unit: Org,
  ): Promise<string> => {
    const [user] = await db
      .insert(users)
      .values({ displayName: `${role} ${unit.id.slice(0, 4)}` })
      .returning();
    await db.insert(roleAssignments).values({ userId: user!.id, role, orgUnitId: unit.id });
    return (await issueSession(server.services, user!.id, 'password')).accessToken;
  };
  return {
    district,
    community,
    east,
    west,
    other,
    admin: await session('community_admin', community),
    otherAdmin: await session('community_admin', other),
    gridWorker: await session('grid_worker', east),
    resident: await session('resident', community),
  };
}

// ---- realistic generated registers

/** A deterministic pseudo-random source, so a failing run can be reproduced. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

function checkDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return '10X98765432'[sum % 11]!;
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志强文斌晓东海燕淑珍雪梅春梅宇航子涵梓萱浩然欣怡';

interface Person {
  name: string;
  gender: '男' | '女';
  birth: string;
  id: string;
  phone: string;
}

function people(n: number, rand: () => number): Person[] {
  const pick = (s: string) => s[Math.floor(rand() * s.length)]!;
  const regions = ['110105', '110108', '320102', '510104', '440305', '420111'];
  const seen = new Set<string>();
  const out: Person[] = [];
  while (out.length < n) {
    const birth = new Date(
      Date.UTC(1935 + Math.floor(rand() * 80), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
    );
    const ymd = birth.toISOString().slice(0, 10);
    const male = rand() < 0.5;
    const seq = String(Math.floor(rand() * 500) * 2 + (male ? 1 : 0)).padStart(3, '0');
    const first17 = `${regions[Math.floor(rand() * regions.length)]}${ymd.replace(/-/g, '')}${seq}`;
    const id = first17 + checkDigit(first17);
    if (seen.has(id)) continue;
    seen.add(id);
    const name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : '');
    const phone = `1${pick('3578')}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;
    out.push({ name, gender: male ? '男' : '女', birth: ymd, id, phone });
  }
  return out;
}

const HEADERS = [
  '序号',
  '姓名',
  '性别',
  '出生日期',
  '公民身份号码',
  '联系电话',
  '户籍类型',
  '标签',
  '小区',
  '楼栋',
  '单元',
  '房号',
  '与户关系',
  '网格',
];
const COMPOUNDS: [string, string][] = [
  ['幸福里小区', '东区网格'],
  ['阳光花园', '东区网格'],
  ['翠湖苑', '西区网格'],
];
const ROOMS_PER_COMPOUND = 4 * 2 * 18 * 4; // buildings × units × floors × doors

/** Row i (0-based, sheet row i+2) of a register: three people per flat, flats filled in address order. */
function registerRow(i: number, p: Person): (string | Date)[] {
  const flat = Math.floor(i / 3);
  const member = i % 3;
  const [compound, grid] = COMPOUNDS[Math.floor(flat / ROOMS_PER_COMPOUND)]!;
  const inCompound = flat % ROOMS_PER_COMPOUND;
  const building = Math.floor(inCompound / 144) + 1;
  const unit = Math.floor((inCompound % 144) / 72) + 1;
  const floor = Math.floor((inCompound % 72) / 4) + 1;
  const door = (inCompound % 4) + 1;
  const rented = flat % 7 === 0;
  const relation = rented ? '租户' : ['户主', '配偶', '子女'][member]!;
  const age = 2025 - Number(p.birth.slice(0, 4));
  const tags = [age >= 80 && member === 0 ? '老年人、独居老人' : '', flat % 11 === 0 ? '党员' : '']
    .filter(Boolean)
    .join('、');
  return [
    String(i + 1),
    p.name,
    p.gender,
    // half the rows give the birth date as an Excel date, half leave it to the ID number
    i % 2 === 0 ? new Date(`${p.birth}T00:00:00Z`) : '',
    p.id,
    i % 5 === 4 ? '' : p.phone,
    rented ? '流动' : '户籍',
    tags,
    compound,
    `${building}号楼`,
    `${unit}单元`,
    `${floor}${String(door).padStart(2, '0')}`,
    relation,
    grid,
  ];
}

async function xlsxOf(rows: (string | Date)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('居民信息登记表');
  sheet.addRow(HEADERS);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---- helpers

let server: TestServer;
let w: World;

const importUrl = (communityId: string, dryRun: boolean) =>
  `/api/v1/imports/residents?communityId=${communityId}&dryRun=${dryRun}`;

async function upload(
  data: Buffer | string,
  opts: { dryRun: boolean; type?: string; token?: string; community?: string },
) {
  return server.api.request('POST', importUrl(opts.community ?? w.community.id, opts.dryRun), {
    token: opts.token ?? w.admin,
    raw: data,
    contentType: opts.type ?? 'text/csv',
  });
}

async function countOf(table: PgTable, where?: SQL): Promise<number> {
  const [row] = await server.services.db.select({ n: count() }).from(table).where(where);
  return Number(row?.n ?? 0);
}

beforeAll(async () => {
  server = await createTestServer();
  w = await buildWorld(server);
});
afterAll(async () => {
  await server?.close();
});

describe('importing a 5,000-row register (xlsx)', () => {
  const everyone = people(5000, random(20240601));
  const rows = everyone.map((p, i) => registerRow(i, p));
  const flats = Math.ceil(5000 / 3);

  // three mistakes a worker makes: a mistyped check digit, a forgotten name, one person entered twice
  const broken = rows.map((r) => [...r]);
  const wrongDigit = everyone[118]!.id.slice(0, 17) + (everyone[118]!.id[17] === '1' ? '2' : '1');
  broken[118]![4] = wrongDigit; // sheet row 120
  broken[2498]![1] = ''; // sheet row 2500
  broken[4997]![4] = everyone[8]!.id; // sheet row 4999 repeats the person of row 10
  broken[4997]![2] = everyone[8]!.gender;
  broken[4997]![3] = '';

  test('a dry run reports exactly the three bad rows and writes no resident', async () => {
    const file = await xlsxOf(broken);
    const started = Date.now();
    const res = await upload(file, { dryRun: true, type: XLSX });
    const ms = Date.now() - started;
    console.log(
      `5,000-row xlsx dry run (with 3 bad rows): ${ms} ms (${(file.length / 1024).toFixed(0)} KiB)`,
    );

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      status: 'checked',
      totalRows: 5000,
      okRows: 4997,
      badRows: 3,
    });
    expect(res.body.problems).toEqual([
      {
        row: 120,
        column: '公民身份号码',
        message: expect.stringMatching(/not a valid 18-character resident ID number/i),
      },
      { row: 2500, column: '姓名', message: 'Name is empty' },
      { row: 4999, column: '公民身份号码', message: expect.stringMatching(/Same ID number as row 10/) },
    ]);
    // the preview counts what the 4,997 good rows would create
    expect(res.body.created).toEqual({ residents: 4997, rooms: flats, bindings: 4997 });
    expect(await countOf(residents)).toBe(0);
    expect(await countOf(rooms)).toBe(0);
    expect(await countOf(compounds)).toBe(1);
    const [run] = await server.services.db.select().from(importRuns).where(eq(importRuns.id, res.body.id));
    expect(run).toMatchObject({
      status: 'checked',
      dryRun: true,
      totalRows: 5000,
      badRows: 3,
      kind: 'residents',
    });
  }, 180_000);

  test('a real run of the file with bad rows is rejected and writes nothing', async () => {
    const res = await upload(await xlsxOf(broken), { dryRun: false, type: XLSX });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: false,
      status: 'rejected',
      badRows: 3,
      created: { residents: 0, rooms: 0, bindings: 0 },
    });
    expect(res.body.problems.map((p: { row: number }) => p.row)).toEqual([120, 2500, 4999]);
    expect(await countOf(residents)).toBe(0);
    expect(await countOf(householdBindings)).toBe(0);
    expect(await countOf(rooms)).toBe(0);
    expect(await countOf(units)).toBe(0);
    expect(await countOf(buildings)).toBe(1);
    expect(await countOf(compounds)).toBe(1);
  }, 180_000);

  test('the corrected file imports all 5,000 residents with their rooms and bindings', async () => {
    const file = await xlsxOf(rows);
    let started = Date.now();
    const dry = await upload(file, { dryRun: true, type: XLSX });
    console.log(`5,000-row xlsx dry run (clean): ${Date.now() - started} ms`);
    expect(dry.body).toMatchObject({ status: 'checked', badRows: 0, problems: [] });

    started = Date.now();
    const res = await upload(file, { dryRun: false, type: XLSX });
    console.log(`5,000-row xlsx real import: ${Date.now() - started} ms`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      dryRun: false,
      status: 'imported',
      totalRows: 5000,
      okRows: 5000,
      badRows: 0,
      problems: [],
      created: { residents: 5000, rooms: flats, bindings: 5000 },
    });

    // what the office will see in the address tree: the existing compound and building reused
    expect(await countOf(residents, eq(residents.communityId, w.community.id))).toBe(5000);
    expect(await countOf(householdBindings, eq(householdBindings.status, 'verified'))).toBe(5000);
    expect(await countOf(rooms)).toBe(flats);
    expect(await countOf(compounds)).toBe(3);
    expect(await countOf(buildings)).toBe(12);
    expect(await countOf(units)).toBe(24);
    const [room] = await server.services.db
      .select()
      .from(rooms)
      .where(eq(rooms.standardAddress, `${PREFIX}翠湖苑2号楼1单元1204室`));
    expect(room).toMatchObject({ number: '1204', floor: 12, gridId: w.west.id, orgPath: w.west.path });
    expect(await countOf(residents, like(residents.orgPath, `${w.west.path}%`))).toBe(
      5000 - 2 * ROOMS_PER_COMPOUND * 3,
    );

    // personal data is sealed: no raw ID number or phone in the table, yet an ID number is found by hash
    const sealed = await server.services.db
      .select({ enc: residents.idNumberEnc, masked: residents.idNumberMasked, phoneEnc: residents.phoneEnc })
      .from(residents);
    const stored = sealed.map((r) => `${r.enc}|${r.phoneEnc}`).join('\n');
    for (const p of everyone.slice(0, 200)) {
      expect(stored.includes(p.id)).toBe(false);
      expect(stored.includes(p.phone)).toBe(false);
    }
    const person = everyone[10]!; // sheet row 12, which has a phone
    const [found] = await server.services.db
      .select()
      .from(residents)
      .where(
        and(
          eq(residents.communityId, w.community.id),
          eq(residents.idNumberHash, server.services.vault.blindIndex(person.id)),
        ),
      );
    expect(found).toMatchObject({
      name: person.name,
      gender: person.gender === '男' ? 'male' : 'female',
      birthDate: person.birth,
      idNumberMasked: `${person.id.slice(0, 3)}***********${person.id.slice(-4)}`,
      residency: 'registered',
    });
    expect(server.services.vault.decrypt(found!.idNumberEnc!)).toBe(person.id);
    expect(found!.phoneMasked).toBe(`${person.phone.slice(0, 3)}****${person.phone.slice(-4)}`);

    const [audit] = await server.services.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, res.body.id));
    expect(audit).toMatchObject({ action: 'import', targetType: 'residents', fields: ['idNumber', 'phone'] });
  }, 300_000);
});

describe('importing a CSV register', () => {
  const csvPerson = people(3, random(7));
  const english = (p: Person[]) =>
    [
      'name,gender,idNumber,phone,residency,tags,compound,building,unit,room,relation,grid',
      `${p[0]!.name},${p[0]!.gender},${p[0]!.id},${p[0]!.phone},暂住,"党员,退役军人",新苑,5,,301室,租户,西区网格`,
      `${p[1]!.name},,${p[1]!.id},,,,新苑,5,,301,家属,西区网格`,
    ].join('\r\n');

  test('UTF-8 with BOM and English headers imports, with plain numbers as building and room', async () => {
    const res = await upload(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(english(csvPerson), 'utf8')]),
      { dryRun: false },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'imported',
      totalRows: 2,
      created: { residents: 2, rooms: 1, bindings: 2 },
    });
    const [room] = await server.services.db
      .select()
      .from(rooms)
      .where(eq(rooms.standardAddress, `${PREFIX}新苑5号楼1单元301室`));
    expect(room).toMatchObject({ number: '301', floor: 3, gridId: w.west.id });
    const [tenant] = await server.services.db
      .select()
      .from(residents)
      .where(eq(residents.idNumberHash, server.services.vault.blindIndex(csvPerson[0]!.id)));
    expect(tenant).toMatchObject({
      residency: 'floating',
      tags: ['party_member', 'veteran'],
      orgPath: w.west.path,
    });
    const bindings = await server.services.db
      .select()
      .from(householdBindings)
      .where(eq(householdBindings.roomId, room!.id));
    expect(bindings.map((b) => b.relation).sort()).toEqual(['family', 'tenant']);
  });

  test('a person already registered in the community is reported, and nothing is imported', async () => {
    const csv = [
      '姓名,身份证号,小区,楼栋,单元,房号,与户关系',
      `${csvPerson[2]!.name},${csvPerson[2]!.id},新苑,5,1单元,302,户主`,
      `${csvPerson[0]!.name},${csvPerson[0]!.id},新苑,5,1单元,302,家属`,
    ].join('\n');
    const before = await countOf(residents);
    const res = await upload(csv, { dryRun: false });
    expect(res.body).toMatchObject({ status: 'rejected', badRows: 1, okRows: 1 });
    expect(res.body.problems).toEqual([
      { row: 3, column: '身份证号', message: expect.stringMatching(/already registered in this community/) },
    ]);
    expect(await countOf(residents)).toBe(before);
  });

  test('every kind of bad cell is named with its row and column', async () => {
    const [a, b] = people(2, random(99));
    const csv = [
      '姓名,性别,出生日期,身份证号,联系电话,户籍类型,标签,小区,楼栋,单元,房号,与户关系,网格',
      `${a!.name},${a!.gender === '男' ? '女' : '男'},1900-01-01,${a!.id},12345,外星,吃货,,,,,邻居,南区网格`,
      `${b!.name},${b!.gender},,${b!.id},,,,全新小区,9号楼,,101,户主,`,
    ].join('\n');
    const res = await upload(csv, { dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.badRows).toBe(2);
    const columns = res.body.problems.map((p: { row: number; column: string }) => `${p.row}:${p.column}`);
    expect(columns).toEqual(
      expect.arrayContaining([
        '2:性别',
        '2:出生日期',
        '2:联系电话',
        '2:户籍类型',
        '2:标签',
        '2:小区',
        '2:楼栋',
        '2:房号',
        '2:与户关系',
        '2:网格',
        '3:网格',
      ]),
    );
    const gridProblem = res.body.problems.find((p: { row: number; column: string }) => p.row === 3);
    expect(gridProblem.message).toMatch(/9号楼 of 全新小区 is new; fill in 网格/);
  });

  test('a title row above the header is skipped, and rows keep the numbers Excel shows', async () => {
    const [a] = people(1, random(5));
    const csv = [
      '幸福社区居民信息登记表,,,,,,',
      '姓名,身份证号,小区,楼栋,单元,房号,与户关系',
      `${a!.name},${a!.id},新苑,5,1单元,305,户主`,
      `王五,123,新苑,5,1单元,305,家属`,
    ].join('\n');
    const res = await upload(csv, { dryRun: true });
    expect(res.body).toMatchObject({ totalRows: 2, badRows: 1 });
    expect(res.body.problems).toEqual([
      { row: 4, column: '身份证号', message: expect.stringMatching(/not a valid/i) },
    ]);
  });

  test('an ID number that Excel stored as a number is reported as such', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('登记表');
    sheet.addRow(['姓名', '身份证号', '小区', '楼栋', '房号', '与户关系']);
    sheet.addRow(['赵六', 110105194912310020, '新苑', '5号楼', '306', '户主']);
    const res = await upload(Buffer.from(await workbook.xlsx.writeBuffer()), { dryRun: true, type: XLSX });
    expect(res.body.problems).toEqual([
      {
        row: 2,
        column: '身份证号',
        message: expect.stringMatching(/stored as a number.*format the column as Text/),
      },
    ]);
  });

  test('a file with more than 20,000 data rows is refused as a whole', async () => {
    const line = '张三,11010519491231002X,新苑,5,1单元,301,户主';
    const csv = [
      '姓名,身份证号,小区,楼栋,单元,房号,与户关系',
      ...Array.from({ length: 20_001 }, () => line),
    ].join('\n');
    const res = await upload(csv, { dryRun: true });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/more than 20000 data rows/);
  });

  test('a file without the ID number or name column is rejected, naming the column', async () => {
    let res = await upload('姓名,小区,楼栋,单元,房号,与户关系\n张三,新苑,5,1单元,303,户主\n', {
      dryRun: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/required columns: 身份证号/);
    res = await upload(`身份证号,小区,楼栋,单元,房号,与户关系\n${csvPerson[2]!.id},新苑,5,1单元,303,户主\n`, {
      dryRun: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/required columns: 姓名/);
  });

  test('an empty file, a header without rows, a GBK file and a non-spreadsheet body answer a clear 400', async () => {
    const cases: [Buffer | string, string, RegExp][] = [
      [Buffer.alloc(0), 'text/csv', /empty/],
      ['姓名,身份证号,小区,楼栋,房号,与户关系\n', 'text/csv', /no data rows/],
      [
        Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xc9, 0xed, 0xb7, 0xdd, 0xd6, 0xa4, 0xba, 0xc5, 0x0a]),
        'text/csv',
        /not UTF-8/,
      ],
      [
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
        XLSX,
        /not an Excel \.xlsx workbook/,
      ],
      [Buffer.from('PK\u0003\u0004 this is not really a zip archive'), XLSX, /could not be opened/],
      ['a%PDF-1.7 binary\u0000junk', 'text/csv', /neither a CSV/],
    ];
    for (const [data, type, message] of cases) {
      const res = await upload(data, { dryRun: true, type });
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringMatching(message),
      });
    }
  });

  test('a body that is not a CSV or xlsx content type answers 415', async () => {
    for (const type of ['application/json', 'text/plain', 'application/pdf']) {
      const res = await upload('姓名,身份证号\n', { dryRun: true, type });
      expect(res.status).toBe(415);
    }
  });
});

describe('who may import', () => {
  const csv = () =>
    `姓名,身份证号,小区,楼栋,单元,房号,与户关系\n李四,11010519491231002X,新苑,5,1单元,304,户主\n`;

  test('a grid worker and a resident are refused (403)', async () => {
    expect((await upload(csv(), { dryRun: true, token: w.gridWorker })).status).toBe(403);
    expect((await upload(csv(), { dryRun: true, token: w.resident })).status).toBe(403);
  });

  test('the admin of another community sees 404, as for a community that does not exist', async () => {
    expect((await upload(csv(), { dryRun: true, token: w.otherAdmin })).status).toBe(404);
    expect((await upload(csv(), { dryRun: true, community: randomUUID() })).status).toBe(404);
    expect((await upload(csv(), { dryRun: true, community: w.east.id })).status).toBe(404);
  });

  test('without a session the answer is 401', async () => {
    const res = await server.api.request('POST', importUrl(w.community.id, true), {
      raw: csv(),
      contentType: 'text/csv',
    });
    expect(res.status).toBe(401);
  });

  test('runs are recorded, and a refused caller leaves no run behind', async () => {
    const runs = await server.services.db
      .select()
      .from(importRuns)
      .where(eq(importRuns.communityId, w.other.id));
    expect(runs).toHaveLength(0);
    expect(await countOf(importRuns, eq(importRuns.communityId, w.community.id))).toBeGreaterThanOrEqual(5);
  });
});
