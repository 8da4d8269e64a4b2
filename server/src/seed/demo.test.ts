import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { sql } from 'drizzle-orm';
import { Boundary, PlateNumber, isValidIdNumber } from '@linli/contracts';
import type { Store } from '../db/client.js';
import { createVault } from '../lib/crypto.js';
import { createTestStore, type TestStore } from '../testing/db.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo, type DemoSummary } from './demo.js';

const vault = createVault(randomBytes(32));
const TABLES = [
  'org_units',
  'property_companies',
  'compounds',
  'buildings',
  'units',
  'rooms',
  'residents',
  'household_bindings',
  'organisations',
  'vehicles',
  'users',
  'role_assignments',
  'app_meta',
] as const;

let testStore: TestStore;
let store: Store;
let first: DemoSummary;
let second: DemoSummary;
let countsAfterFirst: Record<string, number>;
let countsAfterSecond: Record<string, number>;

async function tableCounts(s: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await s.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
    counts[table] = row?.n ?? -1;
  }
  return counts;
}

beforeAll(async () => {
  testStore = await createTestStore();
  store = testStore.store;
  first = await seedDemo(store.db, vault);
  countsAfterFirst = await tableCounts(store);
  second = await seedDemo(store.db, vault);
  countsAfterSecond = await tableCounts(store);
});

afterAll(async () => {
  await testStore?.dispose();
});

describe('seedDemo', () => {
  it('loads a community-sized data set and reports what it wrote', () => {
    expect(first).toMatchObject({ streets: 1, communities: 2, grids: 5, compounds: 7, organisations: 15 });
    expect(first.buildings).toBeGreaterThanOrEqual(24);
    expect(first.buildings).toBeLessThanOrEqual(60);
    expect(first.rooms).toBeGreaterThanOrEqual(400);
    expect(first.rooms).toBeLessThanOrEqual(700);
    expect(first.residents / first.rooms).toBeGreaterThanOrEqual(1);
    expect(first.residents / first.rooms).toBeLessThanOrEqual(1.6);
    expect(first.vehicles).toBeGreaterThanOrEqual(50);
    expect(first.users).toBe(DEMO_ACCOUNTS.length);
    expect(countsAfterFirst).toMatchObject({
      org_units: 9,
      property_companies: 1,
      compounds: first.compounds,
      buildings: first.buildings,
      units: first.units,
      rooms: first.rooms,
      residents: first.residents,
      household_bindings: first.bindings,
      organisations: first.organisations,
      vehicles: first.vehicles,
      users: first.users,
      app_meta: 1,
    });
  });

  it('adds nothing when run again and returns the stored summary', () => {
    expect(countsAfterSecond).toEqual(countsAfterFirst);
    expect(second).toEqual(first);
  });

  it('places every room inside its grid, and every grid has a valid boundary', async () => {
    const rooms = await store.rows<{ orgPath: string; gridPath: string; gridKind: string }>(sql`
      select r.org_path as "orgPath", g.path as "gridPath", g.kind as "gridKind"
      from rooms r join org_units g on g.id = r.grid_id`);
    expect(rooms).toHaveLength(first.rooms);
    for (const room of rooms) {
      expect(room.gridKind).toBe('grid');
      expect(room.orgPath.startsWith(room.gridPath)).toBe(true);
    }
    const grids = await store.rows<{ boundary: unknown }>(
      sql`select boundary from org_units where kind = 'grid'`,
    );
    for (const grid of grids) expect(Boundary.safeParse(grid.boundary).success).toBe(true);
  });

  it('stores ID numbers and phones encrypted, decrypting to valid values that match the record', async () => {
    const people = await store.rows<{
      birthDate: string;
      gender: string;
      idEnc: string;
      idHash: string;
      idMasked: string;
      phoneEnc: string | null;
      phoneMasked: string | null;
      adult: boolean;
    }>(sql`
      select to_char(birth_date, 'YYYY-MM-DD') as "birthDate", gender, id_number_enc as "idEnc",
        id_number_hash as "idHash", id_number_masked as "idMasked", phone_enc as "phoneEnc",
        phone_masked as "phoneMasked", birth_date <= date '2026-06-01' - interval '18 years' as adult
      from residents`);
    for (const p of people) {
      const id = vault.decrypt(p.idEnc);
      expect(isValidIdNumber(id)).toBe(true);
      expect(id.slice(6, 14)).toBe(p.birthDate.replaceAll('-', ''));
      expect(Number(id[16]) % 2 === 1 ? 'male' : 'female').toBe(p.gender);
      expect(p.idMasked).toBe(`${id.slice(0, 3)}${'*'.repeat(11)}${id.slice(-4)}`);
      expect(p.idHash).toBe(vault.blindIndex(id));
      if (p.adult) expect(p.phoneEnc).not.toBeNull();
      if (p.phoneEnc === null) continue;
      const phone = vault.decrypt(p.phoneEnc);
      expect(phone).toMatch(/^1[358]\d{9}$/);
      expect(p.phoneMasked).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    }
    const birthYears = people.map((p) => Number(p.birthDate.slice(0, 4)));
    expect(Math.min(...birthYears)).toBeGreaterThanOrEqual(1940);
    expect(Math.max(...birthYears)).toBeLessThanOrEqual(2020);
  });

  it('marks care recipients, and only lone elderly people as living alone', async () => {
    const tagCounts = await store.rows<{ tag: string; n: number }>(
      sql`select unnest(tags) as tag, count(*)::int as n from residents group by 1`,
    );
    const count = (tag: string) => tagCounts.find((t) => t.tag === tag)?.n ?? 0;
    for (const tag of ['elderly', 'elderly_living_alone', 'disabled', 'low_income', 'party_member']) {
      expect(count(tag)).toBeGreaterThan(0);
    }
    expect(count('community_correction')).toBeGreaterThanOrEqual(1);
    expect(count('community_correction')).toBeLessThanOrEqual(2);
    const [wrong] = await store.rows<{ n: number }>(sql`
      select count(*)::int as n from residents p join household_bindings b on b.resident_id = p.id
      where 'elderly_living_alone' = any(p.tags)
        and (p.birth_date > date '2026-06-01' - interval '60 years'
          or (select count(*) from household_bindings o where o.room_id = b.room_id) > 1)`);
    expect(wrong?.n).toBe(0);
  });

  it('binds every resident to one room of their grid, a few still waiting for review', async () => {
    const bindings = await store.rows<{ status: string; reviewedBy: string | null; same: boolean }>(sql`
      select b.status, b.reviewed_by as "reviewedBy",
        (b.org_path = r.org_path and p.org_path = r.org_path) as same
      from household_bindings b join rooms r on r.id = b.room_id join residents p on p.id = b.resident_id`);
    expect(bindings).toHaveLength(first.residents);
    expect(bindings.every((b) => b.same)).toBe(true);
    const pending = bindings.filter((b) => b.status === 'pending');
    expect(pending).toHaveLength(10);
    expect(pending.every((b) => b.reviewedBy === null)).toBe(true);
    expect(bindings.filter((b) => b.status === 'verified').every((b) => b.reviewedBy !== null)).toBe(true);
  });

  it("registers vehicles with Tai'an plates to adult residents", async () => {
    const cars = await store.rows<{ plate: string; adult: boolean; samePath: boolean }>(sql`
      select v.plate, p.birth_date <= date '2026-06-01' - interval '18 years' as adult,
        v.org_path = p.org_path as "samePath"
      from vehicles v join residents p on p.id = v.owner_resident_id`);
    expect(cars).toHaveLength(first.vehicles);
    for (const car of cars) {
      expect(car.plate.startsWith('鲁J')).toBe(true);
      expect(PlateNumber.safeParse(car.plate).success).toBe(true);
      expect(car.adult && car.samePath).toBe(true);
    }
  });

  it('gives every grid at least one grid worker', async () => {
    const grids = await store.rows<{ name: string; workers: number }>(sql`
      select g.name, count(ra.id)::int as workers from org_units g
      left join role_assignments ra on ra.org_unit_id = g.id and ra.role = 'grid_worker'
      where g.kind = 'grid' group by g.id, g.name`);
    expect(grids).toHaveLength(5);
    for (const grid of grids) expect(grid.workers).toBeGreaterThanOrEqual(1);
  });

  it('creates each demo account with its role, signing in with the demo password', async () => {
    const accounts = await store.rows<{
      username: string;
      role: string;
      isDemo: boolean;
      passwordHash: string;
    }>(sql`
      select u.username,
             -- being a resident is not a grant: it follows from the account's resident record
             coalesce(ra.role, case when u.resident_id is not null then 'resident' end) as role,
             u.is_demo as "isDemo", u.password_hash as "passwordHash"
      from users u left join role_assignments ra on ra.user_id = u.id`);
    for (const demo of DEMO_ACCOUNTS) {
      const account = accounts.find((a) => a.username === demo.username);
      expect(account).toMatchObject({ username: demo.username, role: demo.role, isDemo: true });
    }
    expect(await bcrypt.compare(DEMO_PASSWORD, accounts[0]?.passwordHash ?? '')).toBe(true);
    expect(first.accounts.map((a) => a.username)).toEqual(DEMO_ACCOUNTS.map((a) => a.username));
  });

  it('links resident1 to a verified owner and volunteer1 to a resident, under their own names', async () => {
    const linked = await store.rows<{
      username: string;
      displayName: string;
      name: string;
      verifiedOwner: boolean;
    }>(sql`
      select u.username, u.display_name as "displayName", p.name,
        exists (select 1 from household_bindings b where b.resident_id = p.id
          and b.relation = 'owner' and b.status = 'verified') as "verifiedOwner"
      from users u join residents p on p.id = u.resident_id`);
    expect(linked.map((l) => l.username).sort()).toEqual(['resident1', 'volunteer1']);
    for (const l of linked) expect(l.name).toBe(l.displayName);
    expect(linked.find((l) => l.username === 'resident1')?.verifiedOwner).toBe(true);
  });

  it('yields the same people for the same seed', async () => {
    const other = await createTestStore();
    try {
      await seedDemo(other.store.db, vault, { passwordHash: 'not-used' });
      const people = (s: Store) =>
        s.rows<{ key: string }>(
          sql`select name || birth_date || id_number_hash as key from residents order by 1`,
        );
      expect(await people(other.store)).toEqual(await people(store));
    } finally {
      await other.dispose();
    }
  });
});
