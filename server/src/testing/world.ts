// A small, complete community world for tests: org tree, address tree, people, and one account per role.
// Two worlds built side by side (in different districts) give every test an in-scope and an out-of-scope target.
import { randomUUID } from 'node:crypto';
import { idNumberCheckDigit } from '@linli/contracts';
import type { Db } from '../db/client.js';
import {
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
} from '../db/schema.js';
import type { Vault } from '../lib/crypto.js';
import { sealIdNumber, sealPhone } from '../domain/pii.js';
import type { Role } from '../policy/permissions.js';

export const TEST_PASSWORD_HASH = '$2b$04$3nA9ytY4Ky5Rrj5dH6Sx5Ol6y1oQ1oXw1vN8oTt9ZyVQm6o1m0kXu';

/** a valid ID number for a given serial, so that each world has distinct ones */
export function idNumberFor(serial: number, male = true): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + serial * 86_400_000 * 37);
  const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '');
  const seq = `370902${ymd}${String(serial % 100).padStart(2, '0')}${male ? 1 : 2}`;
  return seq + idNumberCheckDigit(seq);
}

export interface World {
  ids: Record<string, string>;
  /** user id per role */
  users: Record<Role, string>;
  /** full personal values in this world, which must never appear unmasked where not allowed */
  secrets: { idNumbers: string[]; phones: string[]; residentSecrets: { idNumber: string; phone: string } };
}

export async function buildWorld(db: Db, vault: Vault, label: string, serial: number): Promise<World> {
  const id = () => randomUUID();
  const ids: Record<string, string> = {};
  const [district, street, community, grid, grid2] = [id(), id(), id(), id(), id()];
  const p = {
    district: `/${district}/`,
    street: `/${district}/${street}/`,
    community: `/${district}/${street}/${community}/`,
    grid: `/${district}/${street}/${community}/${grid}/`,
    grid2: `/${district}/${street}/${community}/${grid2}/`,
  };
  await db.insert(orgUnits).values([
    { id: district, kind: 'district', name: `${label}区`, path: p.district, parentId: null },
    { id: street, kind: 'street', name: `${label}街道`, path: p.street, parentId: district },
    { id: community, kind: 'community', name: `${label}社区`, path: p.community, parentId: street },
    { id: grid, kind: 'grid', name: `${label}第一网格`, path: p.grid, parentId: community },
    { id: grid2, kind: 'grid', name: `${label}第二网格`, path: p.grid2, parentId: community },
  ]);
  Object.assign(ids, { district, street, community, grid, grid2 });
  const [company] = await db
    .insert(propertyCompanies)
    .values({ name: `${label}物业`, orgUnitId: community, orgPath: p.community })
    .returning();
  ids.propertyCompany = company!.id;
  const addr = `${label}区${label}街道${label}社区${label}家园`;
  const [compound] = await db
    .insert(compounds)
    .values({
      communityId: community,
      propertyCompanyId: company!.id,
      name: `${label}家园`,
      standardAddress: addr,
      orgPath: p.community,
    })
    .returning();
  ids.compound = compound!.id;
  const [building] = await db
    .insert(buildings)
    .values({
      compoundId: compound!.id,
      gridId: grid,
      name: '1号楼',
      floors: 6,
      standardAddress: `${addr}1号楼`,
      orgPath: p.grid,
    })
    .returning();
  ids.building = building!.id;
  const [unit] = await db
    .insert(units)
    .values({
      buildingId: building!.id,
      name: '1单元',
      standardAddress: `${addr}1号楼1单元`,
      orgPath: p.grid,
    })
    .returning();
  ids.unit = unit!.id;
  const roomRows = await db
    .insert(rooms)
    .values(
      ['101', '102', '201'].map((n) => ({
        unitId: unit!.id,
        buildingId: building!.id,
        compoundId: compound!.id,
        gridId: grid,
        number: n,
        floor: Number(n[0]),
        areaM2: '88.50',
        occupancy: 'owner_occupied' as const,
        standardAddress: `${addr}1号楼1单元${n}室`,
        orgPath: p.grid,
      })),
    )
    .returning();
  ids.room = roomRows[0]!.id;
  ids.spareRoom = roomRows[1]!.id;
  ids.otherRoom = roomRows[2]!.id;

  const people = [
    { key: 'resident', name: `${label}业主`, path: p.grid },
    { key: 'familyMember', name: `${label}家属`, path: p.grid },
    { key: 'volunteerResident', name: `${label}志愿者`, path: p.grid },
    { key: 'pendingResident', name: `${label}申请人`, path: p.grid },
    { key: 'unboundResident', name: `${label}待登记`, path: p.community },
  ];
  const idNumbers: string[] = [];
  const phones: string[] = [];
  for (const [i, person] of people.entries()) {
    const idNumber = idNumberFor(serial * 10 + i);
    const phone = `139${String(serial).padStart(2, '0')}${String(100000 + i).slice(-6)}`;
    idNumbers.push(idNumber);
    phones.push(phone);
    const [row] = await db
      .insert(residents)
      .values({
        communityId: community,
        orgPath: person.path,
        name: person.name,
        gender: 'male',
        ...sealIdNumber(vault, idNumber),
        ...sealPhone(vault, phone),
        tags: i === 0 ? ['community_correction'] : [],
      })
      .returning();
    ids[person.key] = row!.id;
  }
  const bindingRows = await db
    .insert(householdBindings)
    .values([
      {
        residentId: ids.resident!,
        roomId: ids.room!,
        relation: 'owner',
        status: 'verified',
        orgPath: p.grid,
      },
      {
        residentId: ids.familyMember!,
        roomId: ids.room!,
        relation: 'family',
        status: 'verified',
        orgPath: p.grid,
      },
      {
        residentId: ids.volunteerResident!,
        roomId: ids.otherRoom!,
        relation: 'owner',
        status: 'verified',
        orgPath: p.grid,
      },
      {
        residentId: ids.pendingResident!,
        roomId: ids.otherRoom!,
        relation: 'tenant',
        status: 'pending',
        orgPath: p.grid,
      },
    ])
    .returning();
  ids.binding = bindingRows[0]!.id;
  ids.pendingBinding = bindingRows[3]!.id;
  const [org] = await db
    .insert(organisations)
    .values({
      communityId: community,
      orgPath: p.grid,
      name: `${label}便利店`,
      kind: 'shop',
      roomId: ids.room!,
      contactPhoneEnc: vault.encrypt(phones[0]!),
      contactPhoneMasked: '139****0000',
    })
    .returning();
  ids.organisation = org!.id;
  const [vehicle] = await db
    .insert(vehicles)
    .values({
      communityId: community,
      orgPath: p.grid,
      plate: `鲁J${String(10000 + serial).slice(-5)}`,
      ownerResidentId: ids.resident!,
    })
    .returning();
  ids.vehicle = vehicle!.id;

  const accounts: [Role, string | null, string, string | null][] = [
    ['resident', null, ids.resident!, null],
    ['volunteer', community, ids.volunteerResident!, null],
    ['grid_worker', grid, '', null],
    ['property_staff', community, '', company!.id],
    ['technician', community, '', company!.id],
    ['community_admin', community, '', null],
    ['street_admin', street, '', null],
    ['district_admin', district, '', null],
  ];
  const userIds = {} as Record<Role, string>;
  for (const [role, orgUnitId, residentId, companyId] of accounts) {
    const [user] = await db
      .insert(users)
      .values({
        displayName: `${label}${role}`,
        username: `${role}.${serial}`,
        passwordHash: TEST_PASSWORD_HASH,
        residentId: residentId || null,
      })
      .returning();
    userIds[role] = user!.id;
    if (orgUnitId)
      await db
        .insert(roleAssignments)
        .values({ userId: user!.id, role, orgUnitId, propertyCompanyId: companyId });
  }
  // an account for the user-management routes to act on
  const [staff] = await db
    .insert(users)
    .values({ displayName: `${label}维修工`, username: `staff.${serial}`, passwordHash: TEST_PASSWORD_HASH })
    .returning();
  const [grant] = await db
    .insert(roleAssignments)
    .values({ userId: staff!.id, role: 'technician', orgUnitId: community, propertyCompanyId: company!.id })
    .returning();
  ids.staffUser = staff!.id;
  ids.staffGrant = grant!.id;

  return {
    ids,
    users: userIds,
    secrets: { idNumbers, phones, residentSecrets: { idNumber: idNumbers[0]!, phone: phones[0]! } },
  };
}
