// Demo data for a fresh installation, modelled on Tai'an's 凤凰社区: 泰山区 › 岱庙街道 › 凤凰社区
// with four grids, six compounds, rooms, residents, organisations, vehicles and one account per role, plus
// a small second community (龙潭社区) so that street-level views show more than one community.
//
// Everything is drawn from one seeded PRNG, so a seed always yields the same people, addresses and
// numbers. Row ids (crypto.randomUUID) and ciphertexts (random IVs) differ between runs. All names,
// ID numbers and phone numbers are generated; none belongs to a real person.
import { randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { eq, sql } from 'drizzle-orm';
import type { PgInsertValue, PgTable } from 'drizzle-orm/pg-core';
import { idNumberCheckDigit, type ResidentTag } from '@linli/contracts';
import type { Db, Tx } from '../db/client.js';
import type { Vault } from '../lib/crypto.js';
import { maskPhone, sealIdNumber, sealPhone } from '../domain/pii.js';
import {
  appMeta,
  buildings,
  compounds,
  householdBindings,
  orgUnits,
  organisations,
  propertyCompanies,
  residents,
  roleAssignments,
  rooms,
  units,
  users,
  vehicles,
  type ROLES,
} from '../db/schema.js';

export const DEMO_PASSWORD = 'linli-demo-2026';
const DEMO_META_KEY = 'demo_seed';
const DEFAULT_SEED = 20260601;
/** rows per INSERT: keeps statements well below PostgreSQL's 65,535 bind parameters */
const CHUNK_SIZE = 500;
/** Ages, tags and review dates count from this day, not from "now", so a seed always gives the same data. */
const AS_OF = { year: 2026, month: 6, day: 1 };

type Role = (typeof ROLES)[number];
type Gender = 'male' | 'female';
const OCCUPANCIES = ['owner_occupied', 'rented', 'vacant', 'unknown'] as const;
type Occupancy = (typeof OCCUPANCIES)[number];
type Relation = 'owner' | 'tenant' | 'family';
type OrganisationKind = (typeof organisations.$inferInsert)['kind'];

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  /** what the account is for, in Chinese, for the login page and the README */
  description: string;
}

export interface DemoSummary {
  seed: number;
  streets: number;
  communities: number;
  grids: number;
  compounds: number;
  buildings: number;
  units: number;
  rooms: number;
  residents: number;
  bindings: number;
  organisations: number;
  vehicles: number;
  users: number;
  accounts: { username: string; role: Role; orgUnitName: string }[];
}

// --------------------------------------------------------------------------------------------------------
// Accounts

type ScopeKey = 'district' | 'street' | 'fenghuang' | 'grid1' | 'grid2' | 'grid3' | 'grid4' | 'longtanGrid';

interface AccountSpec extends DemoAccount {
  scope: ScopeKey;
  /** property staff and technicians act for the property company */
  forPropertyCompany?: boolean;
  /** the account is bound to a generated resident of this gender, renamed to the display name */
  residentGender?: Gender;
}

const ACCOUNT_SPECS: readonly AccountSpec[] = [
  {
    username: 'district.admin',
    displayName: '赵志刚',
    role: 'district_admin',
    description: '区级管理员（泰山区）',
    scope: 'district',
  },
  {
    username: 'street.admin',
    displayName: '孙丽华',
    role: 'street_admin',
    description: '街道管理员（岱庙街道）',
    scope: 'street',
  },
  {
    username: 'community.admin',
    displayName: '李秀梅',
    role: 'community_admin',
    description: '社区管理员（凤凰社区）',
    scope: 'fenghuang',
  },
  {
    username: 'grid1',
    displayName: '张伟',
    role: 'grid_worker',
    description: '网格员（凤凰社区第一网格）',
    scope: 'grid1',
  },
  {
    username: 'grid2',
    displayName: '王芳',
    role: 'grid_worker',
    description: '网格员（凤凰社区第二网格）',
    scope: 'grid2',
  },
  {
    username: 'grid3',
    displayName: '刘强',
    role: 'grid_worker',
    description: '网格员（凤凰社区第三网格）',
    scope: 'grid3',
  },
  {
    username: 'grid4',
    displayName: '陈丽娟',
    role: 'grid_worker',
    description: '网格员（凤凰社区第四网格）',
    scope: 'grid4',
  },
  {
    username: 'property.staff',
    displayName: '周建华',
    role: 'property_staff',
    description: '物业客服（凤凰物业）',
    scope: 'fenghuang',
    forPropertyCompany: true,
  },
  {
    username: 'tech1',
    displayName: '马立新',
    role: 'technician',
    description: '物业维修工',
    scope: 'fenghuang',
    forPropertyCompany: true,
  },
  {
    username: 'tech2',
    displayName: '郭振东',
    role: 'technician',
    description: '物业维修工',
    scope: 'fenghuang',
    forPropertyCompany: true,
  },
  {
    username: 'volunteer1',
    displayName: '刘洋',
    role: 'volunteer',
    description: '志愿者（凤凰社区居民）',
    scope: 'fenghuang',
    residentGender: 'male',
  },
  {
    username: 'resident1',
    displayName: '陈静',
    role: 'resident',
    description: '居民（已认证房屋的业主）',
    scope: 'fenghuang',
    residentGender: 'female',
  },
  {
    username: 'grid.longtan',
    displayName: '吴海燕',
    role: 'grid_worker',
    description: '网格员（龙潭社区第一网格）',
    scope: 'longtanGrid',
  },
];

/** The demo sign-ins, all with DEMO_PASSWORD. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = ACCOUNT_SPECS.map(
  ({ username, displayName, role, description }) => ({
    username,
    displayName,
    role,
    description,
  }),
);

// --------------------------------------------------------------------------------------------------------
// Entry point

/**
 * Loads the demo data set in one transaction and returns what it wrote. When demo data is already present
 * (app_meta 'demo_seed'), returns the stored summary and writes nothing.
 */
export async function seedDemo(
  db: Db,
  vault: Vault,
  opts: { seed?: number; passwordHash?: string } = {},
): Promise<DemoSummary> {
  return db.transaction(async (tx) => {
    // two starters racing on one PostgreSQL server: the second waits, then finds the summary
    await tx.execute(sql`select pg_advisory_xact_lock(7361002)`);
    const [existing] = await tx.select().from(appMeta).where(eq(appMeta.key, DEMO_META_KEY));
    if (existing) return existing.value as unknown as DemoSummary;

    const seed = opts.seed ?? DEFAULT_SEED;
    const data = generate(new Random(seed), vault, opts.passwordHash ?? bcrypt.hashSync(DEMO_PASSWORD, 10));
    await write(tx, data);
    const summary = summarise(seed, data);
    await tx.insert(appMeta).values({ key: DEMO_META_KEY, value: { ...summary } });
    return summary;
  });
}

// --------------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a tiny 32-bit PRNG, plenty for demo data */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  /** an integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return at(items, this.int(0, items.length - 1));
  }
  /** one of `values`, each as likely as its weight */
  weighted<T>(values: readonly T[], weights: readonly number[]): T {
    let r = this.next() * weights.reduce((sum, w) => sum + w, 0);
    for (const [i, w] of weights.entries()) {
      r -= w;
      if (r < 0) return at(values, i);
    }
    return at(values, values.length - 1);
  }
  /** n distinct items in random order */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = 0; i < Math.min(n, copy.length); i++) {
      const j = this.int(i, copy.length - 1);
      [copy[i], copy[j]] = [at(copy, j), at(copy, i)];
    }
    return copy.slice(0, n);
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`demo seed: index ${index} out of range`);
  return item;
}

/** draws until `make` gives a value not yet in `taken` (ID numbers, phones and plates must not repeat) */
function unique(taken: Set<string>, make: () => string): string {
  for (;;) {
    const value = make();
    if (!taken.has(value)) {
      taken.add(value);
      return value;
    }
  }
}

// --------------------------------------------------------------------------------------------------------
// Generated identities: names, ID numbers (GB 11643), phones, plates, credit codes (GB 32100)

const SURNAMES = [...'王张李刘陈杨赵孙徐马高于郭田宋吕韩杜侯曹袁周吴朱胡林何董冯范邢尹程石岳姜'];
const words = (list: string) => list.split(' ');
/** given names by gender and generation, because 建国 and 梓涵 are not born in the same decade */
const GIVEN_NAMES: Record<Gender, readonly (readonly string[])[]> = {
  male: [
    words('建国 国庆 德明 志强 振华 长顺 福生 玉山 宝田 庆祥 传忠 继荣'),
    words('伟 军 强 磊 涛 斌 建华 立新 海涛 志刚 永峰 新民 晓东 洪亮'),
    words('浩然 宇轩 俊杰 子豪 一鸣 博文 天佑 梓航 思远 皓轩 明哲 嘉诚'),
  ],
  female: [
    words('秀英 桂兰 玉兰 淑珍 凤英 秀兰 桂芝 玉梅 淑华 素琴 兰英 翠萍'),
    words('丽 静 敏 燕 海燕 红梅 丽娟 晓红 雪梅 春霞 玉洁 彩霞 艳 慧'),
    words('子涵 欣怡 梓萱 一诺 雨涵 思琪 诗涵 语桐 可馨 佳怡 梦瑶 若曦'),
  ],
};
/** where floating residents come from; registered residents carry 泰山区's own 370902 */
const HOME_REGION = '370902';
const OTHER_REGIONS = words('370911 370921 370982 370983 371302 370102 370612 371102');
const MOBILE_PREFIXES = words(
  '130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 180 181 182 183 185 186 187 188 189',
);
/** plate letters exclude I and O, which read as 1 and 0 */
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function personName(rnd: Random, surname: string, gender: Gender, birthYear: number): string {
  const generation = birthYear < 1965 ? 0 : birthYear < 1990 ? 1 : 2;
  return surname + rnd.pick(at(GIVEN_NAMES[gender], generation));
}

function randomName(rnd: Random, birthYear = 1975): string {
  return personName(rnd, rnd.pick(SURNAMES), rnd.chance(0.5) ? 'male' : 'female', birthYear);
}

function idNumber(rnd: Random, region: string, birthDate: string, gender: Gender): string {
  const sexDigit = rnd.int(0, 4) * 2 + (gender === 'male' ? 1 : 0);
  const body = `${region}${birthDate.replaceAll('-', '')}${rnd.digits(2)}${sexDigit}`;
  return body + idNumberCheckDigit(body);
}

function mobile(rnd: Random): string {
  return rnd.pick(MOBILE_PREFIXES) + rnd.digits(8);
}

/** 鲁J is Tai'an; stored without the separating dot. New-energy cars carry D/F and five digits. */
function plate(rnd: Random, kind: 'car' | 'ebike'): string {
  if (kind === 'car' && rnd.chance(0.15)) return `鲁J${rnd.pick(['D', 'F'])}${rnd.digits(5)}`;
  let tail = '';
  for (let i = 0; i < 5; i++) tail += i < 2 && rnd.chance(0.4) ? rnd.pick([...PLATE_LETTERS]) : rnd.digits(1);
  return `鲁J${tail}`;
}

/** 统一社会信用代码: authority + type, region, organisation code (GB 11714, with check), final check */
function creditCode(rnd: Random, authorityAndType: string, region = HOME_REGION): string {
  const org8 = rnd.digits(8);
  const orgSum = [3, 7, 9, 10, 5, 8, 4, 2].reduce((acc, w, i) => acc + w * Number(org8[i]), 0);
  const orgCheck = (11 - (orgSum % 11)) % 11;
  const body = `${authorityAndType}${region}${org8}${orgCheck === 10 ? 'X' : orgCheck}`;
  const sum = [...body].reduce((acc, ch, i) => acc + CREDIT_CHARS.indexOf(ch) * (3 ** i % 31), 0);
  return body + at([...CREDIT_CHARS], (31 - (sum % 31)) % 31);
}

// --------------------------------------------------------------------------------------------------------
// Organisation tree

interface OrgNode {
  id: string;
  name: string;
  path: string;
}

interface OrgTree {
  rows: (typeof orgUnits.$inferInsert)[];
  district: OrgNode;
  street: OrgNode;
  fenghuang: OrgNode;
  fenghuangGrids: OrgNode[];
  longtan: OrgNode;
  longtanGrid: OrgNode;
}

const GRID_NAMES = ['第一网格', '第二网格', '第三网格', '第四网格'];

/** an axis-aligned rectangle as a closed, counter-clockwise GeoJSON ring */
function rectangle(west: number, south: number, east: number, north: number): Record<string, unknown> {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  const [w, s, e, n] = [west, south, east, north].map(round) as [number, number, number, number];
  const sw = [w, s];
  const se = [e, s];
  const ne = [e, n];
  const nw = [w, n];
  return { type: 'Polygon', coordinates: [[sw, se, ne, nw, sw]] };
}

function buildOrgTree(): OrgTree {
  const rows: (typeof orgUnits.$inferInsert)[] = [];
  const add = (
    kind: 'district' | 'street' | 'community' | 'grid',
    name: string,
    code: string,
    parent?: OrgNode,
    boundary?: Record<string, unknown>,
  ) => {
    const id = randomUUID();
    const node = { id, name, path: `${parent?.path ?? '/'}${id}/` };
    rows.push({
      id,
      kind,
      parentId: parent?.id ?? null,
      name,
      code,
      path: node.path,
      boundary: boundary ?? null,
    });
    return node;
  };
  const district = add('district', '泰山区', '370902');
  const street = add('street', '岱庙街道', '370902001', district);
  const fenghuang = add('community', '凤凰社区', '370902001001', street);
  // 凤凰社区 as a 2 × 2 block of grids around 117.130 E, 36.190 N
  const fenghuangGrids = GRID_NAMES.map((name, i) => {
    const west = 117.124 + (i % 2) * 0.006;
    const south = 36.19 - Math.floor(i / 2) * 0.006;
    return add(
      'grid',
      name,
      `370902001001${String(i + 1).padStart(3, '0')}`,
      fenghuang,
      rectangle(west, south, west + 0.006, south + 0.006),
    );
  });
  const longtan = add('community', '龙潭社区', '370902001002', street);
  const longtanGrid = add(
    'grid',
    '第一网格',
    '370902001002001',
    longtan,
    rectangle(117.114, 36.186, 117.122, 36.192),
  );
  return { rows, district, street, fenghuang, fenghuangGrids, longtan, longtanGrid };
}

// --------------------------------------------------------------------------------------------------------
// Standard addresses: compounds, buildings, units, rooms

interface CompoundSpec {
  name: string;
  /** indices into the community's grids; a large compound is split between two grids */
  grids: readonly number[];
  buildings: number;
  floors: readonly [number, number];
  units: readonly [number, number];
  /** rooms recorded per building: data collection covers some floors of the tall buildings, not all */
  rooms: readonly [number, number];
  /** old compounds (老旧小区) often have no property company */
  managed: boolean;
}

// prettier-ignore
const FENGHUANG_COMPOUNDS: readonly CompoundSpec[] = [
  { name: '凤凰家园', grids: [0], buildings: 8, floors: [6, 7], units: [2, 3], rooms: [12, 20], managed: true },
  { name: '凤凰花园', grids: [0, 1], buildings: 6, floors: [11, 18], units: [1, 2], rooms: [12, 20], managed: true },
  { name: '岱宗苑', grids: [1], buildings: 6, floors: [6, 11], units: [2, 3], rooms: [12, 20], managed: true },
  { name: '东岳小区', grids: [2], buildings: 5, floors: [6, 7], units: [2, 3], rooms: [12, 20], managed: true },
  { name: '和平里', grids: [3], buildings: 4, floors: [5, 6], units: [1, 2], rooms: [10, 12], managed: false },
  { name: '泰山新村', grids: [2, 3], buildings: 6, floors: [6, 18], units: [1, 3], rooms: [12, 20], managed: true },
];
/** 龙潭社区 is only there so that street-level views have a second community: one small building */
// prettier-ignore
const LONGTAN_COMPOUND: CompoundSpec =
  { name: '龙潭苑', grids: [0], buildings: 1, floors: [6, 6], units: [1, 1], rooms: [8, 8], managed: false };

const ADDRESS_PREFIX = '山东省泰安市泰山区岱庙街道';

interface Place {
  communityId: string;
  orgPath: string;
  managed: boolean;
}
interface BuildingInfo extends Place {
  id: string;
  standardAddress: string;
}
interface RoomInfo extends Place {
  id: string;
  occupancy: Occupancy;
}

interface AddressData {
  compounds: (typeof compounds.$inferInsert)[];
  buildings: (typeof buildings.$inferInsert)[];
  units: (typeof units.$inferInsert)[];
  rooms: (typeof rooms.$inferInsert)[];
  buildingInfo: BuildingInfo[];
  roomInfo: RoomInfo[];
}

/** the floors whose rooms are recorded: `count` floors spread evenly from the ground to the top */
function recordedFloors(floors: number, count: number): number[] {
  if (count >= floors) return Array.from({ length: floors }, (_, i) => i + 1);
  if (count <= 1) return [1];
  return Array.from({ length: count }, (_, i) => 1 + Math.round((i * (floors - 1)) / (count - 1)));
}

function buildAddresses(rnd: Random, tree: OrgTree, propertyCompanyId: string): AddressData {
  const data: AddressData = {
    compounds: [],
    buildings: [],
    units: [],
    rooms: [],
    buildingInfo: [],
    roomInfo: [],
  };
  const plan = [
    ...FENGHUANG_COMPOUNDS.map((spec) => ({ spec, community: tree.fenghuang, grids: tree.fenghuangGrids })),
    { spec: LONGTAN_COMPOUND, community: tree.longtan, grids: [tree.longtanGrid] },
  ];
  for (const { spec, community, grids } of plan) {
    const compoundId = randomUUID();
    const compoundAddress = `${ADDRESS_PREFIX}${community.name}${spec.name}`;
    data.compounds.push({
      id: compoundId,
      communityId: community.id,
      propertyCompanyId: spec.managed ? propertyCompanyId : null,
      name: spec.name,
      standardAddress: compoundAddress,
      orgPath: community.path,
    });
    for (let b = 0; b < spec.buildings; b++) {
      const grid = at(grids, at(spec.grids, Math.floor((b * spec.grids.length) / spec.buildings)));
      const place = { communityId: community.id, orgPath: grid.path, managed: spec.managed };
      addBuilding(rnd, data, spec, {
        compoundId,
        gridId: grid.id,
        address: `${compoundAddress}${b + 1}号楼`,
        name: `${b + 1}号楼`,
        place,
      });
    }
  }
  return data;
}

function addBuilding(
  rnd: Random,
  data: AddressData,
  spec: CompoundSpec,
  b: { compoundId: string; gridId: string; name: string; address: string; place: Place },
): void {
  const buildingId = randomUUID();
  const floors = rnd.int(...spec.floors);
  const unitCount = rnd.int(...spec.units);
  data.buildings.push({
    id: buildingId,
    compoundId: b.compoundId,
    gridId: b.gridId,
    name: b.name,
    floors,
    standardAddress: b.address,
    orgPath: b.place.orgPath,
  });
  data.buildingInfo.push({ id: buildingId, standardAddress: b.address, ...b.place });
  const floorCount = Math.max(1, Math.floor(rnd.int(...spec.rooms) / (unitCount * 2)));
  for (let u = 1; u <= unitCount; u++) {
    const unitId = randomUUID();
    const unitAddress = `${b.address}${u}单元`;
    data.units.push({
      id: unitId,
      buildingId,
      name: `${u}单元`,
      standardAddress: unitAddress,
      orgPath: b.place.orgPath,
    });
    for (const floor of recordedFloors(floors, floorCount)) {
      for (let door = 1; door <= 2; door++) {
        const roomId = randomUUID();
        const number = `${floor}${String(door).padStart(2, '0')}`;
        const occupancy = rnd.weighted(OCCUPANCIES, [68, 15, 13, 4]);
        data.rooms.push({
          id: roomId,
          unitId,
          buildingId,
          compoundId: b.compoundId,
          gridId: b.gridId,
          number,
          floor,
          areaM2: rnd.float(60, 140).toFixed(2),
          usage: 'residential',
          occupancy,
          standardAddress: `${unitAddress}${number}室`,
          orgPath: b.place.orgPath,
        });
        data.roomInfo.push({ id: roomId, occupancy, ...b.place });
      }
    }
  }
}

// --------------------------------------------------------------------------------------------------------
// People: households, residents, bindings

interface Member {
  gender: Gender;
  age: number;
  surname: string;
}

interface Person {
  id: string;
  room: RoomInfo;
  relation: Relation;
  householdSize: number;
  name: string;
  gender: Gender;
  birthDate: string;
  age: number;
  idNumber: string;
  phone: string | null;
  residency: 'registered' | 'floating';
  tags: ResidentTag[];
}

const clampAge = (age: number) => Math.min(86, Math.max(6, age));

const ADULT_AGE_BANDS = [
  [22, 39],
  [40, 59],
  [60, 74],
  [75, 86],
] as const;
/** adults skew older, as in an established urban community */
function adultAge(rnd: Random): number {
  const [min, max] = rnd.weighted(ADULT_AGE_BANDS, [33, 35, 21, 11]);
  return rnd.int(min, max);
}

function otherSurname(rnd: Random, not: string): string {
  return rnd.pick(SURNAMES.filter((s) => s !== not));
}

/** Who lives in an occupied room. Sizes are those recorded so far, so small households dominate. */
function household(rnd: Random, occupancy: 'owner_occupied' | 'rented'): Member[] {
  const renting = occupancy === 'rented';
  const size = renting ? rnd.weighted([1, 2, 3], [55, 35, 10]) : rnd.weighted([1, 2, 3, 4], [60, 30, 7, 3]);
  const headAge = renting ? rnd.int(22, 48) : adultAge(rnd);
  if (size === 1) {
    // more elderly women than men live alone
    const gender: Gender = rnd.chance(headAge >= 60 ? 0.62 : 0.5) ? 'female' : 'male';
    return [{ gender, age: headAge, surname: rnd.pick(SURNAMES) }];
  }
  const husband: Member = { gender: 'male', age: headAge, surname: rnd.pick(SURNAMES) };
  const wife: Member = {
    gender: 'female',
    age: Math.max(20, clampAge(headAge + rnd.int(-5, 2))),
    surname: otherSurname(rnd, husband.surname),
  };
  const members = rnd.chance(0.5) ? [husband, wife] : [wife, husband];
  const youngestParent = Math.min(husband.age, wife.age);
  while (members.length < size) {
    const grandparentAge = headAge + rnd.int(24, 32);
    if (members.length === 3 && grandparentAge <= 86) {
      members.push({
        gender: rnd.chance(0.6) ? 'female' : 'male',
        age: grandparentAge,
        surname: rnd.pick(SURNAMES),
      });
    } else if (youngestParent >= 26) {
      // children take the father's surname
      members.push({
        gender: rnd.chance(0.5) ? 'male' : 'female',
        age: rnd.int(6, Math.min(30, youngestParent - 20)),
        surname: husband.surname,
      });
    } else break;
  }
  return members;
}

function birthDateFor(rnd: Random, age: number): { birthDate: string; age: number } {
  const year = AS_OF.year - age;
  const month = rnd.int(1, 12);
  const day = rnd.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  const beforeBirthday = month > AS_OF.month || (month === AS_OF.month && day > AS_OF.day);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { birthDate: `${year}-${pad(month)}-${pad(day)}`, age: beforeBirthday ? age - 1 : age };
}

function careTags(rnd: Random, age: number, householdSize: number): ResidentTag[] {
  const tags: ResidentTag[] = [];
  const elderly = age >= 60;
  if (elderly) tags.push('elderly');
  if (elderly && householdSize === 1 && rnd.chance(0.5)) tags.push('elderly_living_alone');
  if (rnd.chance(elderly ? 0.04 : 0.015)) tags.push('disabled');
  if (rnd.chance(elderly ? 0.06 : 0.02)) tags.push('low_income');
  if (age >= 18 && rnd.chance(0.08)) tags.push('party_member');
  return tags;
}

interface Uniques {
  idNumbers: Set<string>;
  phones: Set<string>;
  plates: Set<string>;
}

function buildPeople(rnd: Random, roomInfo: readonly RoomInfo[], taken: Uniques): Person[] {
  const people: Person[] = [];
  for (const room of roomInfo) {
    if (room.occupancy !== 'owner_occupied' && room.occupancy !== 'rented') continue;
    const members = household(rnd, room.occupancy);
    const floating = rnd.chance(room.occupancy === 'rented' ? 0.8 : 0.04);
    const region = floating ? rnd.pick(OTHER_REGIONS) : HOME_REGION;
    members.forEach((m, i) => {
      const { birthDate, age } = birthDateFor(rnd, m.age);
      const relation: Relation = room.occupancy === 'rented' ? 'tenant' : i === 0 ? 'owner' : 'family';
      people.push({
        id: randomUUID(),
        room,
        relation,
        householdSize: members.length,
        name: personName(rnd, m.surname, m.gender, AS_OF.year - m.age),
        gender: m.gender,
        birthDate,
        age,
        idNumber: unique(taken.idNumbers, () => idNumber(rnd, region, birthDate, m.gender)),
        phone: age >= 18 ? unique(taken.phones, () => mobile(rnd)) : null,
        residency: floating ? 'floating' : 'registered',
        tags: careTags(rnd, age, members.length),
      });
    });
  }
  return people;
}

/** a couple of people under community correction: adult men, registered, chosen at random */
function markCommunityCorrection(rnd: Random, people: readonly Person[], exclude: ReadonlySet<Person>): void {
  const candidates = people.filter(
    (p) =>
      p.gender === 'male' && p.residency === 'registered' && p.age >= 25 && p.age <= 55 && !exclude.has(p),
  );
  for (const p of rnd.sample(candidates, 2)) p.tags.push('community_correction');
}

/** The resident behind a resident-facing demo account: a registered owner who lives alone, renamed. */
function claimResident(
  people: readonly Person[],
  communityId: string,
  spec: AccountSpec,
  taken: Set<Person>,
): Person {
  const person = people.find(
    (p) =>
      !taken.has(p) &&
      p.room.communityId === communityId &&
      p.relation === 'owner' &&
      p.householdSize === 1 &&
      p.residency === 'registered' &&
      p.gender === spec.residentGender &&
      p.age >= 28 &&
      p.age <= 50,
  );
  if (!person) throw new Error(`demo seed: no resident fits the ${spec.username} account`);
  taken.add(person);
  // a lone household, so renaming breaks no family surname
  person.name = spec.displayName;
  if (spec.role === 'volunteer' && !person.tags.includes('party_member')) person.tags.push('party_member');
  return person;
}

function residentRow(p: Person, vault: Vault): typeof residents.$inferInsert {
  return {
    id: p.id,
    communityId: p.room.communityId,
    orgPath: p.room.orgPath,
    name: p.name,
    gender: p.gender,
    birthDate: p.birthDate,
    ...sealIdNumber(vault, p.idNumber),
    ...sealPhone(vault, p.phone),
    residency: p.residency,
    tags: p.tags,
    status: 'active',
  };
}

/** a moment before AS_OF, for review timestamps */
function daysBeforeAsOf(rnd: Random, maxDays: number): Date {
  const asOf = Date.UTC(AS_OF.year, AS_OF.month - 1, AS_OF.day, 2);
  return new Date(asOf - rnd.int(1, maxDays) * 86_400_000 - rnd.int(0, 8 * 3600) * 1000);
}

function bindingRows(
  rnd: Random,
  people: readonly Person[],
  pending: ReadonlySet<Person>,
  reviewer: (p: Person) => string | null,
): (typeof householdBindings.$inferInsert)[] {
  return people.map((p) => {
    const isPending = pending.has(p);
    return {
      residentId: p.id,
      roomId: p.room.id,
      relation: p.relation,
      status: isPending ? 'pending' : 'verified',
      orgPath: p.room.orgPath,
      reviewedBy: isPending ? null : reviewer(p),
      reviewedAt: isPending ? null : daysBeforeAsOf(rnd, 540),
    };
  });
}

// --------------------------------------------------------------------------------------------------------
// Organisations and vehicles

const ORGANISATION_SPECS: readonly {
  name: string;
  kind: OrganisationKind;
  code: string;
  employees: readonly [number, number];
}[] = [
  { name: '凤凰便利店', kind: 'shop', code: '92', employees: [2, 4] },
  { name: '家家乐生活超市', kind: 'shop', code: '92', employees: [4, 9] },
  { name: '岱宗理发店', kind: 'shop', code: '92', employees: [2, 5] },
  { name: '仁康大药房凤凰店', kind: 'shop', code: '92', employees: [3, 6] },
  { name: '老泰安煎饼铺', kind: 'shop', code: '92', employees: [1, 3] },
  { name: '洁丽干洗店', kind: 'shop', code: '92', employees: [1, 3] },
  { name: '鑫源五金店', kind: 'shop', code: '92', employees: [1, 3] },
  { name: '东岳鲜果店', kind: 'shop', code: '92', employees: [1, 3] },
  { name: '乐贝母婴用品店', kind: 'shop', code: '92', employees: [2, 4] },
  { name: '泰安市岱宗网络科技有限公司', kind: 'company', code: '91', employees: [8, 25] },
  { name: '泰安市安心家政服务有限公司', kind: 'company', code: '91', employees: [6, 18] },
  { name: '凤凰社区志愿者协会', kind: 'social_organisation', code: '51', employees: [1, 3] },
  { name: '凤凰社区老年人协会', kind: 'social_organisation', code: '51', employees: [1, 2] },
  { name: '凤凰社区卫生服务站', kind: 'public_institution', code: '12', employees: [5, 12] },
  { name: '凤凰快递驿站', kind: 'other', code: '92', employees: [2, 4] },
];

function organisationRows(
  rnd: Random,
  vault: Vault,
  where: readonly BuildingInfo[],
  taken: Uniques,
): (typeof organisations.$inferInsert)[] {
  return ORGANISATION_SPECS.map((spec, i) => {
    const building = rnd.pick(where);
    const representative = randomName(rnd, rnd.int(1965, 1995));
    const phone = unique(taken.phones, () => mobile(rnd));
    // shops and companies face the street (底商); associations and the health station sit on a ground floor
    const storefront = spec.kind === 'shop' || spec.kind === 'company' || spec.kind === 'other';
    return {
      communityId: building.communityId,
      orgPath: building.orgPath,
      name: spec.name,
      kind: spec.kind,
      creditCode: creditCode(rnd, spec.code),
      legalRepresentative: representative,
      contactName: spec.kind === 'shop' ? representative : randomName(rnd, rnd.int(1970, 2000)),
      contactPhoneEnc: vault.encrypt(phone),
      contactPhoneMasked: maskPhone(phone),
      address: storefront ? `${building.standardAddress}底商${i + 1}号` : `${building.standardAddress}一层`,
      employees: rnd.int(...spec.employees),
    };
  });
}

const CAR_BRANDS = words('大众 丰田 本田 比亚迪 吉利 长安 哈弗 别克 日产 五菱 奇瑞 红旗');
const EBIKE_BRANDS = words('雅迪 爱玛 台铃 新日 绿源 小牛');
const COLOURS = words('白色 黑色 银色 灰色 红色 蓝色');
const VEHICLE_COUNT = 60;
const PENDING_BINDINGS = 10;

function vehicleRows(
  rnd: Random,
  people: readonly Person[],
  taken: Uniques,
): (typeof vehicles.$inferInsert)[] {
  const owners = rnd.sample(
    people.filter((p) => p.age >= 20 && p.age <= 75),
    VEHICLE_COUNT,
  );
  return owners.map((owner) => {
    const kind = rnd.chance(0.7) ? 'car' : 'ebike';
    return {
      communityId: owner.room.communityId,
      orgPath: owner.room.orgPath,
      plate: unique(taken.plates, () => plate(rnd, kind)),
      kind,
      ownerResidentId: owner.id,
      brand: rnd.pick(kind === 'car' ? CAR_BRANDS : EBIKE_BRANDS),
      color: rnd.pick(COLOURS),
    };
  });
}

// --------------------------------------------------------------------------------------------------------
// Putting it together

interface DemoData {
  tree: OrgTree;
  propertyCompany: typeof propertyCompanies.$inferInsert;
  addresses: AddressData;
  residents: (typeof residents.$inferInsert)[];
  users: (typeof users.$inferInsert)[];
  roleAssignments: (typeof roleAssignments.$inferInsert)[];
  bindings: (typeof householdBindings.$inferInsert)[];
  organisations: (typeof organisations.$inferInsert)[];
  vehicles: (typeof vehicles.$inferInsert)[];
  accounts: DemoSummary['accounts'];
}

function scopes(tree: OrgTree): Record<ScopeKey, { node: OrgNode; label: string }> {
  const grid = (i: number) => ({
    node: at(tree.fenghuangGrids, i),
    label: `${tree.fenghuang.name}${at(GRID_NAMES, i)}`,
  });
  return {
    district: { node: tree.district, label: tree.district.name },
    street: { node: tree.street, label: tree.street.name },
    fenghuang: { node: tree.fenghuang, label: tree.fenghuang.name },
    grid1: grid(0),
    grid2: grid(1),
    grid3: grid(2),
    grid4: grid(3),
    longtanGrid: { node: tree.longtanGrid, label: `${tree.longtan.name}${tree.longtanGrid.name}` },
  };
}

interface Accounts {
  users: (typeof users.$inferInsert)[];
  roleAssignments: (typeof roleAssignments.$inferInsert)[];
  /** residents behind accounts: kept out of random picks such as pending bindings */
  claimed: Set<Person>;
  userId(username: string): string | null;
}

function buildAccounts(
  rnd: Random,
  vault: Vault,
  ctx: {
    tree: OrgTree;
    people: readonly Person[];
    propertyCompanyId: string;
    passwordHash: string;
    taken: Uniques;
  },
): Accounts {
  const { tree, people, taken } = ctx;
  const claimed = new Set<Person>();
  const accountScopes = scopes(tree);
  const accounts = ACCOUNT_SPECS.map((spec) => ({
    spec,
    userId: randomUUID(),
    person: spec.residentGender ? claimResident(people, tree.fenghuang.id, spec, claimed) : undefined,
  }));
  return {
    users: accounts.map(({ spec, userId, person }) => ({
      id: userId,
      displayName: spec.displayName,
      username: spec.username,
      passwordHash: ctx.passwordHash,
      ...sealPhone(vault, person?.phone ?? unique(taken.phones, () => mobile(rnd))),
      residentId: person?.id ?? null,
      isDemo: true,
    })),
    // being a resident follows from users.resident_id; only the other roles are grants
    roleAssignments: accounts
      .filter(({ spec }) => spec.role !== 'resident')
      .map(({ spec, userId }) => ({
        userId,
        role: spec.role,
        orgUnitId: accountScopes[spec.scope].node.id,
        propertyCompanyId: spec.forPropertyCompany ? ctx.propertyCompanyId : null,
      })),
    claimed,
    userId: (username) => accounts.find((a) => a.spec.username === username)?.userId ?? null,
  };
}

function generate(rnd: Random, vault: Vault, passwordHash: string): DemoData {
  const taken: Uniques = { idNumbers: new Set(), phones: new Set(), plates: new Set() };
  const tree = buildOrgTree();
  const propertyCompany = {
    id: randomUUID(),
    name: '泰安市凤凰物业服务有限公司',
    creditCode: creditCode(rnd, '91'),
    contactName: '周建华',
    contactPhone: `0538-${rnd.int(6, 8)}${rnd.digits(6)}`,
    orgUnitId: tree.fenghuang.id,
    orgPath: tree.fenghuang.path,
  };
  const addresses = buildAddresses(rnd, tree, propertyCompany.id);
  const people = buildPeople(rnd, addresses.roomInfo, taken);
  const accounts = buildAccounts(rnd, vault, {
    tree,
    people,
    propertyCompanyId: propertyCompany.id,
    passwordHash,
    taken,
  });

  markCommunityCorrection(rnd, people, accounts.claimed);
  const unclaimed = people.filter((p) => !accounts.claimed.has(p));
  const pending = new Set(rnd.sample(unclaimed, PENDING_BINDINGS));
  // who verified a household: the property company where there is one, else community or grid staff
  const reviewer = (p: Person) => {
    if (p.room.communityId === tree.longtan.id) return accounts.userId('grid.longtan');
    return accounts.userId(p.room.managed ? 'property.staff' : 'community.admin');
  };
  const fenghuangBuildings = addresses.buildingInfo.filter((b) => b.communityId === tree.fenghuang.id);
  const accountScopes = scopes(tree);

  return {
    tree,
    propertyCompany,
    addresses,
    residents: people.map((p) => residentRow(p, vault)),
    users: accounts.users,
    roleAssignments: accounts.roleAssignments,
    bindings: bindingRows(rnd, people, pending, reviewer),
    organisations: organisationRows(rnd, vault, fenghuangBuildings, taken),
    vehicles: vehicleRows(rnd, people, taken),
    accounts: ACCOUNT_SPECS.map(({ username, role, scope }) => ({
      username,
      role,
      orgUnitName: accountScopes[scope].label,
    })),
  };
}

/** Inserts in dependency order, in chunks. */
async function write(tx: Tx, data: DemoData): Promise<void> {
  await insertAll(tx, orgUnits, data.tree.rows);
  await insertAll(tx, propertyCompanies, [data.propertyCompany]);
  await insertAll(tx, compounds, data.addresses.compounds);
  await insertAll(tx, buildings, data.addresses.buildings);
  await insertAll(tx, units, data.addresses.units);
  await insertAll(tx, rooms, data.addresses.rooms);
  await insertAll(tx, residents, data.residents);
  await insertAll(tx, users, data.users);
  await insertAll(tx, roleAssignments, data.roleAssignments);
  await insertAll(tx, householdBindings, data.bindings);
  await insertAll(tx, organisations, data.organisations);
  await insertAll(tx, vehicles, data.vehicles);
}

async function insertAll<T extends PgTable>(
  tx: Tx,
  table: T,
  rows: readonly T['$inferInsert'][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK_SIZE) {
    await tx.insert(table).values(rows.slice(i, i + CHUNK_SIZE) as PgInsertValue<T>[]);
  }
}

function summarise(seed: number, data: DemoData): DemoSummary {
  const kinds = data.tree.rows.map((r) => r.kind);
  const count = (kind: string) => kinds.filter((k) => k === kind).length;
  return {
    seed,
    streets: count('street'),
    communities: count('community'),
    grids: count('grid'),
    compounds: data.addresses.compounds.length,
    buildings: data.addresses.buildings.length,
    units: data.addresses.units.length,
    rooms: data.addresses.rooms.length,
    residents: data.residents.length,
    bindings: data.bindings.length,
    organisations: data.organisations.length,
    vehicles: data.vehicles.length,
    users: data.users.length,
    accounts: data.accounts,
  };
}
