// Import of rooms (房屋) from the housing list a community office keeps, as xlsx or CSV: 小区, 楼栋, 单元, 房号,
// optionally 面积 and 用途, and 网格 for a building the community does not have yet. Compounds, buildings and
// units that do not exist are created under the community. As with residents, every row is checked first and a
// real import is all or nothing; a room that already exists, or appears twice in the file, is refused.
import { randomUUID } from 'node:crypto';
import {
  AddressPlan,
  EMPTY,
  MAX_IMPORT_ROWS,
  Problems as SheetProblems,
  collapse,
  findColumns,
  inChunks,
  isUniqueViolation,
  loadCommunity,
  quote,
  readSheet,
  toHalfWidth,
  tooManyRows,
  type Address,
  type Cell,
  type ColumnSpec,
  type Columns as SheetColumns,
  type ImportReportT,
  type SheetRow,
} from './residents.js';
import type { DbOrTx } from '../db/client.js';
import { buildings, compounds, importRuns, rooms, units } from '../db/schema.js';
import { ApiError, badRequest, conflict } from '../http/errors.js';
import { writeAudit } from '../domain/audit.js';
import type { OrgUnitRow } from '../domain/org.js';
import type { Services } from '../services.js';

export interface ImportRoomsProps {
  communityId: string;
  data: Buffer;
  contentType: string;
  fileName?: string;
  dryRun: boolean;
  actorUserId: string;
  requestId: string;
}

type Field = 'compound' | 'building' | 'unit' | 'room' | 'area' | 'usage' | 'grid';
type Usage = 'residential' | 'commercial' | 'office' | 'other';

const MAX_REPORTED_PROBLEMS = 1000;
const STATUS_TEXT = { checked: '仅检查', imported: '已导入', rejected: '未导入' } as const;

export const ROOM_COLUMNS: Record<Field, ColumnSpec> = {
  compound: { label: '小区', aliases: ['小区', '小区名称', 'compound'], required: true },
  building: { label: '楼栋', aliases: ['楼栋', '楼栋号', '楼号', '楼', 'building'], required: true },
  unit: { label: '单元', aliases: ['单元', '单元号', 'unit'], required: true },
  room: { label: '房号', aliases: ['房号', '室', '房间号', '门牌号', 'room'], required: true },
  area: {
    label: '面积',
    aliases: ['面积', '建筑面积', '面积平方米', '面积㎡', '面积m2', 'area'],
    required: false,
  },
  usage: { label: '用途', aliases: ['用途', '房屋用途', '房屋类型', 'usage'], required: false },
  grid: { label: '网格', aliases: ['网格', '所属网格', '网格名称', 'grid'], required: false },
};
const USAGES: Record<string, Usage> = {
  住宅: 'residential',
  住房: 'residential',
  居住: 'residential',
  residential: 'residential',
  商铺: 'commercial',
  商业: 'commercial',
  商用: 'commercial',
  门面: 'commercial',
  commercial: 'commercial',
  办公: 'office',
  写字楼: 'office',
  office: 'office',
  其他: 'other',
  其它: 'other',
  other: 'other',
};

type Columns = SheetColumns<Field>;
type Problems = SheetProblems<Field>;

interface Entry {
  row: number;
  address: Address | null;
  /** numeric(8,2) text, or null */
  area: string | null;
  usage: Usage;
  grid: string | null;
}

function checkRow(row: SheetRow, columns: Columns, p: Problems): Entry {
  const read = (f: Field): Cell => {
    const i = columns.index.get(f);
    return i === undefined ? EMPTY : (row.cells[i] ?? EMPTY);
  };
  const n = row.row;
  const compound = collapse(read('compound').text);
  const building = collapse(read('building').text);
  const unit = collapse(read('unit').text);
  const room = toHalfWidth(collapse(read('room').text)).replace(/室$/, '');
  if (!compound) p.add(n, 'compound', 'Compound (小区) is empty');
  if (!building) p.add(n, 'building', 'Building (楼栋) is empty');
  if (!unit) p.add(n, 'unit', 'Unit (单元) is empty; write 1 for a building without units');
  if (!room) p.add(n, 'room', 'Room number (房号) is empty');
  for (const [field, v] of [
    ['compound', compound],
    ['building', building],
    ['unit', unit],
    ['room', room],
  ] as const) {
    if (v.length > 50) p.add(n, field, `${ROOM_COLUMNS[field].label} is longer than 50 characters`);
  }

  let area: string | null = null;
  const areaText = toHalfWidth(read('area').text)
    .replace(/\s/g, '')
    .replace(/(平方米|平米|㎡|m2)$/i, '');
  if (areaText) {
    const value = Number(areaText);
    if (!/^\d+(\.\d+)?$/.test(areaText) || !(value > 0) || value >= 1_000_000)
      p.add(n, 'area', `Area ${quote(read('area').text)} is not a number of square metres such as 89.5`);
    else area = value.toFixed(2);
  }

  let usage: Usage = 'residential';
  const usageText = read('usage').text;
  if (usageText) {
    const found = USAGES[usageText.toLowerCase()];
    if (found) usage = found;
    else p.add(n, 'usage', `Unknown usage ${quote(usageText)}; write 住宅, 商铺, 办公 or 其他`);
  }

  const whole = compound && building && unit && room;
  return {
    row: n,
    address: whole ? { compound, building, unit: /^\d+$/.test(unit) ? `${unit}单元` : unit, room } : null,
    area,
    usage,
    grid: collapse(read('grid').text) || null,
  };
}

/**
 * Places the rows that passed their own checks, in file order. A row whose room the community has already,
 * or that an earlier row of the file already names, is refused.
 */
function placeRows(entries: Entry[], plan: AddressPlan, p: Problems): void {
  const createdBy = new Map<string, number>();
  for (const e of entries) {
    if (!e.address || p.badRows.has(e.row)) continue;
    if (e.grid && !plan.hasGrid(e.grid)) {
      p.add(e.row, 'grid', `There is no grid named ${quote(e.grid)} in this community`);
      continue;
    }
    const before = plan.newRooms.length;
    const room = plan.roomFor({ row: e.row, grid: e.grid, address: e.address }, p);
    if (!room) continue;
    if (plan.newRooms.length === before) {
      const first = createdBy.get(room.id);
      p.add(
        e.row,
        'room',
        first === undefined
          ? 'This room is already registered in this community'
          : `Same room as row ${first}; each room may appear only once`,
      );
      continue;
    }
    createdBy.set(room.id, e.row);
    const created = plan.newRooms[plan.newRooms.length - 1]!;
    created.areaM2 = e.area;
    created.usage = e.usage;
  }
}

async function recordRun(
  db: DbOrTx,
  run: { community: OrgUnitRow; props: ImportRoomsProps; report: ImportReportT },
) {
  const { community, props, report } = run;
  await db.insert(importRuns).values({
    id: report.id,
    kind: 'rooms',
    fileName: props.fileName ?? null,
    dryRun: props.dryRun,
    communityId: community.id,
    totalRows: report.totalRows,
    okRows: report.okRows,
    badRows: report.badRows,
    status: report.status,
    report: { problems: report.problems, created: report.created },
    actorUserId: props.actorUserId,
  });
  await writeAudit(db, {
    actorUserId: props.actorUserId,
    action: 'import',
    targetType: 'rooms',
    targetId: report.id,
    // the admin reads this in 审计日志: in Chinese
    reason: `房屋导入（${STATUS_TEXT[report.status]}）：共 ${report.totalRows} 行，${report.badRows} 行有问题，新建房屋 ${report.created.rooms} 间`,
    requestId: props.requestId,
    orgPath: community.path,
  });
}

export async function importRooms(s: Services, props: ImportRoomsProps): Promise<ImportReportT> {
  const started = Date.now();
  const community = await loadCommunity(s.db, props.communityId);
  const sheet = await readSheet(props.data, props.contentType);
  const columns = findColumns(sheet, ROOM_COLUMNS);
  const dataRows = sheet.filter((r) => r.row > columns.headerRow && r.cells.some((c) => c.text !== ''));
  if (dataRows.length === 0) throw badRequest('The file has a header row but no data rows');
  if (dataRows.length > MAX_IMPORT_ROWS) throw tooManyRows();

  const problems = new SheetProblems(columns);
  const entries = dataRows.map((r) => checkRow(r, columns, problems));
  const plan = await AddressPlan.load(s.db, community);
  placeRows(entries, plan, problems);

  const bad = problems.badRows.size;
  const status = props.dryRun ? 'checked' : bad > 0 ? 'rejected' : 'imported';
  const report: ImportReportT = {
    id: randomUUID(),
    dryRun: props.dryRun,
    status,
    totalRows: entries.length,
    okRows: entries.length - bad,
    badRows: bad,
    problems: [...problems.all].sort((a, b) => a.row - b.row).slice(0, MAX_REPORTED_PROBLEMS),
    // a dry run previews the rooms the rows that passed would create; a rejected run created nothing
    created: { residents: 0, rooms: status === 'rejected' ? 0 : plan.newRooms.length, bindings: 0 },
  };
  const run = { community, props, report };

  if (status === 'imported') {
    try {
      await s.db.transaction(async (tx) => {
        await inChunks(plan.newCompounds, (c) => tx.insert(compounds).values(c));
        await inChunks(plan.newBuildings, (c) => tx.insert(buildings).values(c));
        await inChunks(plan.newUnits, (c) => tx.insert(units).values(c));
        await inChunks(plan.newRooms, (c) => tx.insert(rooms).values(c));
        await recordRun(tx, run);
      });
    } catch (err) {
      if (err instanceof ApiError || !isUniqueViolation(err)) throw err;
      throw conflict(
        'Some of these addresses were registered by someone else while the file was being imported; nothing was imported, run the import again',
      );
    }
  } else {
    await recordRun(s.db, run);
  }
  s.logger.info(
    {
      importRunId: report.id,
      communityId: community.id,
      status,
      totalRows: report.totalRows,
      badRows: bad,
      ms: Date.now() - started,
    },
    'room import',
  );
  return report;
}
