// Event categories: what kind of problem it is, who handles it and within what time. The categories every
// community starts with have org path '' (system-wide); an admin adds their own, or overrides one by
// creating a category with the same code at their level (the deepest definition wins for events below it).
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { badRequest } from '../../http/errors.js';
import { eventCategories } from './schema.js';

export type CategoryRow = typeof eventCategories.$inferSelect;

type Default = Pick<
  CategoryRow,
  'code' | 'name' | 'description' | 'target' | 'limitValue' | 'limitUnit' | 'kind' | 'sortOrder'
>;

/** The categories a community office uses from day one (网格化事件分类). */
export const DEFAULT_CATEGORIES: Default[] = [
  {
    code: 'sanitation',
    name: '环境卫生',
    description: '垃圾堆放、卫生死角、污水外溢、小广告乱贴',
    target: 'property',
    limitValue: 24,
    limitUnit: 'hours',
    kind: 'event',
    sortOrder: 10,
  },
  {
    code: 'illegal_construction',
    name: '私搭乱建',
    description: '违规搭建棚房、圈占绿地、违规改建阳台',
    target: 'street',
    limitValue: 5,
    limitUnit: 'working_days',
    kind: 'event',
    sortOrder: 20,
  },
  {
    code: 'street_vending',
    name: '占道经营',
    description: '店外经营、流动摊贩占用道路和消防通道',
    target: 'grid_worker',
    limitValue: 2,
    limitUnit: 'working_days',
    kind: 'event',
    sortOrder: 30,
  },
  {
    code: 'fire_hazard',
    name: '消防隐患',
    description: '楼道堆物、飞线充电、电动车入户、消防通道堵塞、消防设施缺损',
    target: 'grid_worker',
    limitValue: 4,
    limitUnit: 'hours',
    kind: 'event',
    sortOrder: 40,
  },
  {
    code: 'noise',
    name: '噪音扰民',
    description: '装修、商户、广场舞等噪音影响居民休息',
    target: 'grid_worker',
    limitValue: 1,
    limitUnit: 'working_days',
    kind: 'event',
    sortOrder: 50,
  },
  {
    code: 'facility_damage',
    name: '设施损坏',
    description: '公共设施、路灯、井盖、门禁、电梯等损坏（转物业报修）',
    target: 'property',
    limitValue: 2,
    limitUnit: 'working_days',
    kind: 'repair',
    sortOrder: 60,
  },
  {
    code: 'neighbour_dispute',
    name: '邻里纠纷',
    description: '邻里之间漏水、噪音、占用公共空间等矛盾（转矛盾调解）',
    target: 'grid_worker',
    limitValue: 1,
    limitUnit: 'working_days',
    kind: 'dispute',
    sortOrder: 70,
  },
  {
    code: 'safety_hazard',
    name: '安全隐患',
    description: '高空坠物风险、危墙危房、窨井缺盖、树木倾倒等',
    target: 'grid_worker',
    limitValue: 8,
    limitUnit: 'hours',
    kind: 'event',
    sortOrder: 80,
  },
  {
    code: 'other',
    name: '其他',
    description: '其他需要社区处置的事项',
    target: 'grid_worker',
    limitValue: 3,
    limitUnit: 'working_days',
    kind: 'event',
    sortOrder: 90,
  },
];

/** Inserts the system-wide default categories that are missing (idempotent). */
export async function seedDefaultCategories(db: DbOrTx): Promise<void> {
  await db
    .insert(eventCategories)
    .values(DEFAULT_CATEGORIES.map((c) => ({ ...c, orgPath: '' })))
    .onConflictDoNothing();
}

/** every org path prefix of a path, '' first: '/a/b/' → ['', '/a/', '/a/b/'] */
export function prefixesOf(orgPath: string): string[] {
  const parts = orgPath.split('/').filter(Boolean);
  return ['', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}/`)];
}

/** The categories usable at an org path: for each code the definition nearest to the path. */
export async function categoriesAt(
  db: DbOrTx,
  orgPaths: string[],
  activeOnly = true,
): Promise<CategoryRow[]> {
  const prefixes = [...new Set(orgPaths.flatMap(prefixesOf))];
  const conditions: SQL[] = [inArray(eventCategories.orgPath, prefixes)];
  if (activeOnly) conditions.push(eq(eventCategories.active, true));
  const rows = await db
    .select()
    .from(eventCategories)
    .where(and(...conditions))
    .orderBy(asc(eventCategories.sortOrder), asc(eventCategories.code));
  // the deepest definition of a code wins (a street's override of 环境卫生 beats the default)
  const byCode = new Map<string, CategoryRow>();
  for (const row of rows) {
    const current = byCode.get(row.code);
    if (!current || row.orgPath.length > current.orgPath.length) byCode.set(row.code, row);
  }
  return [...byCode.values()].sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code));
}

/** Finds a category by code (or id) usable at this org path; 400 naming the known codes when there is none. */
export async function resolveCategory(db: DbOrTx, orgPath: string, codeOrId: string): Promise<CategoryRow> {
  const usable = await categoriesAt(db, [orgPath]);
  const found = usable.find((c) => c.code === codeOrId || c.id === codeOrId);
  if (!found) {
    throw badRequest(
      `Unknown event category "${codeOrId}"; use one of: ${usable.map((c) => `${c.code} (${c.name})`).join(', ')}`,
      { category: codeOrId },
    );
  }
  return found;
}

export async function getCategory(db: DbOrTx, id: string): Promise<CategoryRow | undefined> {
  const [row] = await db.select().from(eventCategories).where(eq(eventCategories.id, id));
  return row;
}

/** SQL: categories defined at one of these paths or below them (what an admin manages). */
export function definedUnder(prefixes: string[]): SQL {
  if (!prefixes.length) return sql`false`;
  return or(...prefixes.map((p) => sql`${eventCategories.orgPath} like ${`${p}%`}`))!;
}

export function presentCategory(row: CategoryRow) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    target: row.target,
    handlerOrgUnitId: row.handlerOrgUnitId,
    limitValue: row.limitValue,
    limitUnit: row.limitUnit,
    kind: row.kind,
    orgPath: row.orgPath,
    active: row.active,
    sortOrder: row.sortOrder,
  };
}
