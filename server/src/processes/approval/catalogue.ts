// The catalogue of items (事项清单): what a community or street offers, and who may see which item.
import { and, desc, eq, ilike, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { ApprovalItem, ApprovalItemInput, ApprovalItemPatch } from '@linli/contracts';
import type { DbOrTx } from '../../db/client.js';
import { orgUnits } from '../../db/schema.js';
import { getOrgUnit } from '../../domain/org.js';
import { getResident } from '../../domain/residents.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { authorize, escapeLike, requirePermission, scopeFor } from '../../policy/policy.js';
import type { Principal } from '../../policy/principal.js';
import type { Services } from '../../services.js';
import { approvalItems } from './schema.js';

export type ItemRow = typeof approvalItems.$inferSelect;

/** Where the caller stands for the catalogue: the home of their resident record, and their staff prefixes. */
export async function catalogueView(s: Services, p: Principal) {
  const scope = requirePermission(p, 'approval_items', 'read');
  const home = scope.self && p.residentId ? (await getResident(s.db, p.residentId)).orgPath : null;
  return { scope, home };
}

/**
 * SQL: items the caller may see. A resident: the published items offered by their community or the units
 * above it. Staff: the items of their area, and the published items of the units above it.
 */
export function visibleItems(view: Awaited<ReturnType<typeof catalogueView>>): SQL {
  const parts: SQL[] = [];
  const offeredAt = (path: string) =>
    and(eq(approvalItems.published, true), sql`${path} like ${approvalItems.orgPath} || '%'`)!;
  if (view.scope.any) parts.push(sql`true`);
  for (const prefix of view.scope.prefixes) {
    parts.push(like(approvalItems.orgPath, `${escapeLike(prefix)}%`));
    parts.push(offeredAt(prefix));
  }
  if (view.home) parts.push(offeredAt(view.home));
  return parts.length ? (or(...parts) as SQL) : sql`false`;
}

export async function getItem(s: Services, p: Principal, id: string): Promise<ItemRow> {
  const view = await catalogueView(s, p);
  const [row] = await s.db
    .select()
    .from(approvalItems)
    .where(and(eq(approvalItems.id, id), visibleItems(view)));
  if (!row) throw notFound('Approval item', id);
  return row;
}

export async function listItems(
  s: Services,
  p: Principal,
  q: { page: number; pageSize: number; published?: 'true' | 'false' | undefined; q?: string | undefined },
) {
  const view = await catalogueView(s, p);
  const where = and(
    visibleItems(view),
    q.published ? eq(approvalItems.published, q.published === 'true') : undefined,
    q.q ? ilike(approvalItems.name, `%${escapeLike(q.q)}%`) : undefined,
  );
  const [total] = await s.db
    .select({ n: sql<number>`count(*)::int` })
    .from(approvalItems)
    .where(where);
  const rows = await s.db
    .select()
    .from(approvalItems)
    .where(where)
    .orderBy(desc(approvalItems.published), approvalItems.name)
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return { items: await presentItems(s.db, rows), total: total?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

export async function presentItems(db: DbOrTx, rows: ItemRow[]): Promise<ApprovalItem[]> {
  const unitIds = [
    ...new Set(rows.flatMap((r) => [r.orgUnitId, r.handlingOrgUnitId]).filter((x): x is string => !!x)),
  ];
  const names = new Map<string, string>();
  if (unitIds.length) {
    for (const u of await db
      .select({ id: orgUnits.id, name: orgUnits.name })
      .from(orgUnits)
      .where(inArray(orgUnits.id, unitIds)))
      names.set(u.id, u.name);
  }
  return rows.map((r) => ({
    id: r.id,
    orgUnitId: r.orgUnitId,
    orgUnitName: names.get(r.orgUnitId) ?? '',
    code: r.code,
    name: r.name,
    description: r.description,
    materials: r.materials.map((m) => ({ name: m.name, required: m.required, example: m.example })),
    formFields: r.formFields,
    timeLimitDays: r.timeLimitDays,
    acceptGroup: r.acceptGroup,
    handleGroup: r.handleGroup,
    handlingOrgUnitId: r.handlingOrgUnitId,
    handlingOrgUnitName: r.handlingOrgUnitId ? (names.get(r.handlingOrgUnitId) ?? null) : null,
    reviewGroup: r.reviewGroup,
    published: r.published,
    updatedAt: r.updatedAt.toISOString(),
  }));
}

async function checkHandlingUnit(db: DbOrTx, itemPath: string, id: string | null | undefined) {
  if (!id) return;
  const unit = await getOrgUnit(db, id);
  if (!unit.path.startsWith(itemPath) && !itemPath.startsWith(unit.path))
    throw badRequest(`The handling unit ${unit.name} is neither above nor below the unit offering the item`);
}

export async function createItem(
  s: Services,
  p: Principal,
  input: z.infer<typeof ApprovalItemInput>,
): Promise<ItemRow> {
  const scope = requirePermission(p, 'approval_items', 'manage');
  let unitId = input.orgUnitId;
  if (!unitId) {
    const own = p.grants.filter((g) => scope.prefixes.includes(g.orgPath));
    if (own.length !== 1)
      throw badRequest(
        'Name the community or street offering the item (orgUnitId): you work in more than one',
      );
    unitId = own[0]!.orgUnitId;
  }
  const unit = await getOrgUnit(s.db, unitId);
  authorize(p, 'approval_items', 'manage', { orgPath: unit.path }, 'Org unit', unit.id);
  if (unit.kind === 'grid')
    throw badRequest('Items are offered by a community, a street or a district, not a grid');
  await checkHandlingUnit(s.db, unit.path, input.handlingOrgUnitId);
  if (input.code) {
    const [dup] = await s.db
      .select({ id: approvalItems.id })
      .from(approvalItems)
      .where(and(eq(approvalItems.orgUnitId, unit.id), eq(approvalItems.code, input.code)));
    if (dup) throw conflict(`${unit.name} already has an item with the code ${input.code}`);
  }
  const [row] = await s.db
    .insert(approvalItems)
    .values({
      orgUnitId: unit.id,
      orgPath: unit.path,
      code: input.code ?? null,
      name: input.name,
      description: input.description,
      materials: input.materials,
      formFields: input.formFields,
      timeLimitDays: input.timeLimitDays,
      acceptGroup: input.acceptGroup,
      handleGroup: input.handleGroup,
      handlingOrgUnitId: input.handlingOrgUnitId ?? null,
      reviewGroup: input.reviewGroup,
      published: input.published,
      createdBy: p.userId,
    })
    .returning();
  return row!;
}

export async function updateItem(
  s: Services,
  p: Principal,
  id: string,
  patch: z.infer<typeof ApprovalItemPatch>,
): Promise<ItemRow> {
  requirePermission(p, 'approval_items', 'manage');
  const item = await getItem(s, p, id);
  const manage = scopeFor(p, 'approval_items', 'manage');
  if (!manage.any && !manage.prefixes.some((x) => item.orgPath.startsWith(x)))
    throw forbidden('You may not change an item offered by a unit above yours');
  if (patch.handlingOrgUnitId !== undefined)
    await checkHandlingUnit(s.db, item.orgPath, patch.handlingOrgUnitId);
  const [row] = await s.db
    .update(approvalItems)
    .set({ ...patch, updatedAt: s.now() })
    .where(eq(approvalItems.id, id))
    .returning();
  return row!;
}
