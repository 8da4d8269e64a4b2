import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestStore } from './src/testing/db.js';
import { orgUnits, compounds, buildings, units, rooms } from './src/db/schema.js';
const { store } = await createTestStore();
const db = store.db;
const cid = randomUUID();
await db.insert(orgUnits).values({ id: cid, kind: 'community', name: 'c', path: `/${cid}/` });
const [c] = await db.insert(compounds).values({ communityId: cid, name: 'x', standardAddress: 'x', orgPath: '/' }).returning();
const [b] = await db.insert(buildings).values({ compoundId: c!.id, gridId: cid, name: 'b', standardAddress: 'xb', orgPath: '/' }).returning();
const [u] = await db.insert(units).values({ buildingId: b!.id, name: 'u', standardAddress: 'xbu', orgPath: '/' }).returning();
const mk = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ id: randomUUID(), unitId: u!.id, buildingId: b!.id, compoundId: c!.id, gridId: cid, number: `${tag}${i}`, floor: 1, standardAddress: `xbu${tag}${i}`, orgPath: `/${cid}/` }));
for (const size of [100, 500, 2000]) {
  const rows = mk(3000, `s${size}-`);
  let t = Date.now();
  for (let i = 0; i < rows.length; i += size) await db.insert(rooms).values(rows.slice(i, i + size));
  console.log('chunk', size, Date.now() - t);
}
{
  const rows = mk(3000, 'un-');
  let t = Date.now();
  const col = (k: keyof (typeof rows)[number]) => rows.map((r) => r[k]);
  await db.execute(sql`insert into rooms (id, unit_id, building_id, compound_id, grid_id, number, floor, standard_address, org_path)
    select * from unnest(${col('id')}::uuid[], ${col('unitId')}::uuid[], ${col('buildingId')}::uuid[], ${col('compoundId')}::uuid[], ${col('gridId')}::uuid[], ${col('number')}::text[], ${col('floor')}::int[], ${col('standardAddress')}::text[], ${col('orgPath')}::text[])`);
  console.log('unnest', Date.now() - t);
}
{
  let t = Date.now();
  await db.execute(sql`select count(*) from rooms`);
  const rows = mk(3000, 'tx-');
  await db.transaction(async (tx) => { for (let i = 0; i < rows.length; i += 500) await tx.insert(rooms).values(rows.slice(i, i + 500)); });
  console.log('tx chunk 500', Date.now() - t);
}
await store.close();
