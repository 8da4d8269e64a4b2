// Import of residents, rooms and household bindings from the sheet a community office already keeps
// (居民信息登记表), as xlsx or CSV. Every row is checked before anything is written, and a real import is
// all or nothing: a half-imported register is worse than none, because nobody can tell which half is in.
//
// The work is done in bulk so that a 20,000-row file costs a handful of queries: one lookup of the
// address tree, one lookup of the ID numbers already registered, and chunked inserts in one transaction.
// Personal data (names, ID numbers, phones) never reaches the log or the problem messages.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { and, eq, inArray, like } from 'drizzle-orm';
import type { z } from 'zod';
import { ImportReport, MobilePhone, isValidIdNumber, type ResidentTag } from '@linli/contracts';
import type { DbOrTx } from '../db/client.js';
import {
  buildings,
  compounds,
  householdBindings,
  importRuns,
  orgUnits,
  residents,
  rooms,
  units,
} from '../db/schema.js';
import { ApiError, badRequest, conflict, notFound } from '../http/errors.js';
import { escapeLike } from '../policy/policy.js';
import { communityAddressPrefix, floorOfRoomNumber, roomAddress } from '../domain/address.js';
import { writeAudit } from '../domain/audit.js';
import type { OrgUnitRow } from '../domain/org.js';
import { birthDateFromIdNumber, genderFromIdNumber, sealIdNumber, sealPhone } from '../domain/pii.js';
import type { Services } from '../services.js';

export type ImportReportT = z.infer<typeof ImportReport>;
type Problem = ImportReportT['problems'][number];

export interface ImportResidentsProps {
  communityId: string;
  data: Buffer;
  contentType: string;
  fileName?: string;
  dryRun: boolean;
  actorUserId: string;
  requestId: string;
}

export const MAX_IMPORT_ROWS = 20_000;
const MAX_REPORTED_PROBLEMS = 1000;
/** rows per INSERT: well below PostgreSQL's 65,535 bind parameters for the widest table */
const CHUNK = 500;
/** a title row such as "XX社区居民信息登记表" may sit above the header; look this far for it */
export const HEADER_SEARCH_ROWS = 5;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ---------------------------------------------------------------------------------------------------
// Reading the file into rows of cell texts

export interface Cell {
  text: string;
  /** the spreadsheet stored a number: fine for a room, fatal for an 18-digit ID number */
  numeric: boolean;
}
export interface SheetRow {
  /** the row number the worker sees in Excel (1-based) */
  row: number;
  cells: Cell[];
}

export const EMPTY: Cell = { text: '', numeric: false };
export const tooManyRows = () =>
  badRequest(
    `The file has more than ${MAX_IMPORT_ROWS} data rows; split it into smaller files and import them one by one`,
  );

export async function readSheet(data: Buffer, contentType: string): Promise<SheetRow[]> {
  if (data.length === 0) throw badRequest('The file is empty');
  // Decide by content, not by the declared type alone: browsers label files inconsistently.
  if (data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readXlsx(data);
  if (data.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw badRequest(
      'This is an old Excel 97-2003 (.xls) file; save it as .xlsx or as "CSV UTF-8" and import that',
    );
  }
  if (contentType === XLSX_TYPE) {
    throw badRequest(
      'The file is not an Excel .xlsx workbook; save it from Excel or WPS as .xlsx or "CSV UTF-8"',
    );
  }
  return readCsv(data);
}

async function readXlsx(data: Buffer): Promise<SheetRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  } catch {
    throw badRequest(
      'The file could not be opened as an Excel .xlsx workbook; save it again as .xlsx or "CSV UTF-8"',
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw badRequest('The workbook has no worksheet');
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, rowNumber) => {
    const values = Array.from(r.values as unknown[]).slice(1); // exceljs rows are 1-based
    rows.push({ row: rowNumber, cells: values.map(xlsxCell) });
    if (rows.length > MAX_IMPORT_ROWS + HEADER_SEARCH_ROWS) throw tooManyRows();
  });
  return rows;
}

/** The text of an exceljs cell value, whatever shape it has (rich text, formula, hyperlink, date…). */
function xlsxCell(value: unknown): Cell {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'string') return { text: value.trim(), numeric: false };
  if (typeof value === 'number') return { text: String(value), numeric: true };
  if (typeof value === 'boolean') return { text: String(value), numeric: false };
  // exceljs turns date cells into UTC midnight of the shown day
  if (value instanceof Date)
    return { text: Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10), numeric: false };
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(v.richText))
      return {
        text: v.richText
          .map((t) => t.text)
          .join('')
          .trim(),
        numeric: false,
      };
    if ('result' in v) return xlsxCell(v.result);
    if (v.text !== undefined) return xlsxCell(v.text);
  }
  return EMPTY;
}

function readCsv(data: Buffer): SheetRow[] {
  let text: string;
  try {
    // fatal: a GBK ("ANSI") file must not be read as mojibake names; the BOM, if any, is dropped
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw badRequest(
      'The CSV file is not UTF-8 encoded (GBK/ANSI files are not supported); in Excel or WPS save it as "CSV UTF-8"',
    );
  }
  if (text.includes('\u0000')) throw badRequest('The file is neither a CSV text file nor an .xlsx workbook');
  let records: string[][];
  try {
    // empty lines are kept so that record i is row i+1, as Excel shows the file
    records = parseCsv(text, { relax_column_count: true, bom: true });
  } catch (err) {
    throw badRequest(`The CSV file could not be read: ${(err as Error).message}`);
  }
  if (records.length > MAX_IMPORT_ROWS + HEADER_SEARCH_ROWS) throw tooManyRows();
  return records.map((cells, i) => ({
    row: i + 1,
    cells: cells.map((c) => ({ text: c.trim(), numeric: false })),
  }));
}

// ---------------------------------------------------------------------------------------------------
// Columns: Chinese and English headers

type Field =
  | 'name'
  | 'gender'
  | 'birthDate'
  | 'idNumber'
  | 'phone'
  | 'residency'
  | 'tags'
  | 'compound'
  | 'building'
  | 'unit'
  | 'room'
  | 'relation'
  | 'grid';

const COLUMNS: Record<Field, ColumnSpec> = {
  name: { label: '姓名', aliases: ['姓名', '居民姓名', 'name'], required: true },
  gender: { label: '性别', aliases: ['性别', 'gender', 'sex'], required: false },
  birthDate: {
    label: '出生日期',
    aliases: ['出生日期', '出生年月日', 'birthdate', 'dateofbirth'],
    required: false,
  },
  idNumber: {
    label: '身份证号',
    aliases: ['身份证号', '身份证号码', '公民身份号码', '身份证', '证件号码', 'idnumber', 'idno', 'idcard'],
    required: true,
  },
  phone: {
    label: '联系电话',
    aliases: ['联系电话', '手机号', '手机号码', '手机', '电话', 'phone', 'mobile'],
    required: false,
  },
  residency: {
    label: '户籍类型',
    aliases: ['户籍类型', '人口类型', '居住类型', 'residency'],
    required: false,
  },
  tags: { label: '标签', aliases: ['标签', '人员标签', '人员类别', 'tags'], required: false },
  compound: { label: '小区', aliases: ['小区', '小区名称', 'compound'], required: true },
  building: { label: '楼栋', aliases: ['楼栋', '楼栋号', '楼号', '楼', 'building'], required: true },
  unit: { label: '单元', aliases: ['单元', '单元号', 'unit'], required: false },
  room: { label: '房号', aliases: ['房号', '室', '房间号', '门牌号', 'room'], required: true },
  relation: { label: '与户关系', aliases: ['与户关系', '与户主关系', '关系', 'relation'], required: true },
  grid: { label: '网格', aliases: ['网格', '所属网格', '网格名称', 'grid'], required: false },
};

/** Headers compare without case, spaces, underscores, marks like "*" and notes like "（必填）". */
export const normaliseHeader = (h: string) =>
  h
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[\s_\-*＊:：]/g, '')
    .toLowerCase();
/** A column of an import sheet: its name in problems, the headers it is known by, and whether it must be there. */
export interface ColumnSpec {
  label: string;
  aliases: string[];
  required: boolean;
}

export interface Columns<F extends string = Field> {
  /** the row holding the headers */
  headerRow: number;
  index: Map<F, number>;
  /** the header as written in the file, to name the column in problems */
  header: Map<F, string>;
  specs: Record<F, ColumnSpec>;
}

/** The header row among the first rows of a sheet, and where each known column is (both imports). */
export function findColumns<F extends string>(rows: SheetRow[], specs: Record<F, ColumnSpec>): Columns<F> {
  const fields = Object.keys(specs) as F[];
  const byHeader = new Map<string, F>(
    fields.flatMap((f) => specs[f].aliases.map((a) => [normaliseHeader(a), f] as const)),
  );
  for (const r of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const index = new Map<F, number>();
    const header = new Map<F, string>();
    r.cells.forEach((cell, i) => {
      const field = byHeader.get(normaliseHeader(cell.text));
      if (field && !index.has(field)) {
        index.set(field, i);
        header.set(field, cell.text);
      }
    });
    if (index.size < 2) continue; // a title row, not the header
    const missing = fields.filter((f) => specs[f].required && !index.has(f));
    if (missing.length) {
      const names = missing.map((f) => `${specs[f].label} (${f})`).join(', ');
      throw badRequest(`The file lacks required columns: ${names}`, {
        missingColumns: missing.map((f) => specs[f].label),
      });
    }
    return { headerRow: r.row, index, header, specs };
  }
  const required = fields.filter((f) => specs[f].required).map((f) => specs[f].label);
  throw badRequest(
    `No header row found: the first row must name the columns, such as ${required.join(', ')}`,
  );
}

/** The problems of a sheet, each on its row and named by the column's header as written in the file. */
export class Problems<F extends string = Field> {
  readonly all: Problem[] = [];
  readonly badRows = new Set<number>();
  constructor(private readonly columns: Columns<F>) {}
  add(row: number, field: F | undefined, message: string): void {
    this.badRows.add(row);
    const column = field ? (this.columns.header.get(field) ?? this.columns.specs[field].label) : undefined;
    this.all.push(column ? { row, column, message } : { row, message });
  }
}

// ---------------------------------------------------------------------------------------------------
// Cell values a community worker writes, mapped to the model

const GENDERS: Record<string, 'male' | 'female'> = {
  男: 'male',
  男性: 'male',
  male: 'male',
  m: 'male',
  女: 'female',
  女性: 'female',
  female: 'female',
  f: 'female',
};

const RESIDENCIES: Record<string, 'registered' | 'floating'> = {
  户籍: 'registered',
  户籍人口: 'registered',
  常住: 'registered',
  常住人口: 'registered',
  本地: 'registered',
  registered: 'registered',
  流动: 'floating',
  流动人口: 'floating',
  暂住: 'floating',
  暂住人口: 'floating',
  外来: 'floating',
  floating: 'floating',
};

const TAGS: Record<string, ResidentTag> = {
  独居老人: 'elderly_living_alone',
  老年人: 'elderly',
  老人: 'elderly',
  高龄老人: 'elderly',
  残疾人: 'disabled',
  残疾: 'disabled',
  低保: 'low_income',
  低保户: 'low_income',
  低收入: 'low_income',
  低收入户: 'low_income',
  特困: 'low_income',
  社区矫正: 'community_correction',
  社区矫正对象: 'community_correction',
  退役军人: 'veteran',
  党员: 'party_member',
  中共党员: 'party_member',
  留守儿童: 'left_behind_child',
  重病: 'serious_illness',
  大病: 'serious_illness',
  重病患者: 'serious_illness',
  重点人员: 'key_person',
};

/** one label per tag, to tell a worker what the column accepts */
const TAG_LABELS = [
  '独居老人',
  '老年人',
  '残疾人',
  '低保',
  '社区矫正',
  '退役军人',
  '党员',
  '留守儿童',
  '重病',
  '重点人员',
];

const OWNER = ['户主', '业主', '房主', '产权人', '本人', 'owner'];
const TENANT = ['租户', '租客', '承租人', 'tenant'];
const FAMILY = (
  '家属 家庭成员 亲属 其他亲属 配偶 妻 妻子 夫 丈夫 子 女 子女 儿子 女儿 父亲 母亲 父母 公公 婆婆 岳父 岳母 ' +
  '儿媳 女婿 孙子 孙女 外孙子 外孙女 祖父 祖母 外祖父 外祖母 兄弟 姐妹 兄 弟 姐 妹 family'
).split(' ');
const RELATIONS = new Map<string, 'owner' | 'tenant' | 'family'>([
  ...OWNER.map((v) => [v, 'owner'] as const),
  ...TENANT.map((v) => [v, 'tenant'] as const),
  ...FAMILY.map((v) => [v, 'family'] as const),
]);

function relationOf(text: string): 'owner' | 'tenant' | 'family' | undefined {
  const key = text.toLowerCase();
  // household registers write children as 长子, 次女, 三子 …
  return RELATIONS.get(key) ?? (/^(长|次|三|四|五|六|独生)(子|女)$/.test(text) ? 'family' : undefined);
}

/** Echoes a worker's own value in a message, kept short. Never used for names, ID numbers or phones. */
export const quote = (v: string) => `"${v.length > 20 ? `${v.slice(0, 20)}…` : v}"`;

export const toHalfWidth = (v: string) =>
  v.replace(/[０-９Ｘｘ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

function isRealDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

/** 1980-01-31, 1980/1/31, 1980.1.31, 1980年1月31日 or 19800131 → 1980-01-31 */
function parseDate(text: string): string | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isRealDate(iso) ? iso : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Checking rows

export interface Address {
  compound: string;
  building: string;
  unit: string;
  room: string;
}

interface Entry {
  row: number;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  /** normalised and valid, or null */
  idNumber: string | null;
  idHash: string | null;
  phone: string | null;
  residency: 'registered' | 'floating';
  tags: ResidentTag[];
  relation: 'owner' | 'tenant' | 'family' | null;
  /** null when a part of it is missing */
  address: Address | null;
  grid: string | null;
}

type Reader = (field: Field) => Cell;

function readerFor(row: SheetRow, columns: Columns): Reader {
  return (field) => {
    const i = columns.index.get(field);
    return i === undefined ? EMPTY : (row.cells[i] ?? EMPTY);
  };
}

export const collapse = (v: string) => v.replace(/\s+/g, ' ').trim();

function checkName(cell: Cell, row: number, p: Problems): string {
  const name = collapse(cell.text);
  if (!name) p.add(row, 'name', 'Name is empty');
  else if (name.length > 100) p.add(row, 'name', 'Name is longer than 100 characters');
  return name;
}

function checkIdNumber(cell: Cell, row: number, p: Problems): string | null {
  const id = toHalfWidth(cell.text.replace(/\s/g, '')).toUpperCase();
  if (!id) {
    p.add(row, 'idNumber', 'ID number is empty');
    return null;
  }
  // Excel shows long numbers as 1.10105E+17 and keeps only 15 digits: the number is lost, not just hidden
  if (cell.numeric || /^\d(\.\d+)?E\+?\d+$/.test(id)) {
    p.add(
      row,
      'idNumber',
      'The ID number was stored as a number, so Excel dropped its last digits; format the column as Text and enter it again',
    );
    return null;
  }
  if (!isValidIdNumber(id) || !isRealDate(birthDateFromIdNumber(id))) {
    p.add(
      row,
      'idNumber',
      'Not a valid 18-character resident ID number (check the length, the birth date in it and the last digit)',
    );
    return null;
  }
  return id;
}

function checkGender(cell: Cell, id: string | null, row: number, p: Problems): 'male' | 'female' | null {
  const fromId = id ? genderFromIdNumber(id) : null;
  if (!cell.text) return fromId;
  const gender = GENDERS[cell.text.toLowerCase()];
  if (!gender) {
    p.add(row, 'gender', `Unknown gender ${quote(cell.text)}; write 男 or 女`);
    return fromId;
  }
  if (fromId && gender !== fromId) {
    p.add(
      row,
      'gender',
      `Gender ${cell.text} contradicts the ID number, which is a ${fromId === 'male' ? 'man' : 'woman'}'s`,
    );
  }
  return gender;
}

function checkBirthDate(cell: Cell, id: string | null, row: number, p: Problems): string | null {
  const fromId = id ? birthDateFromIdNumber(id) : null;
  if (!cell.text) return fromId;
  const date = parseDate(cell.text);
  if (!date) {
    p.add(row, 'birthDate', 'Birth date is not a date such as 1980-01-31');
    return fromId;
  }
  if (fromId && date !== fromId)
    p.add(row, 'birthDate', 'Birth date differs from the birth date in the ID number');
  return date;
}

function checkPhone(cell: Cell, row: number, p: Problems): string | null {
  if (!cell.text) return null;
  const phone = toHalfWidth(cell.text)
    .replace(/[\s-]/g, '')
    .replace(/^(\+?86)(?=1\d{10}$)/, '');
  if (!MobilePhone.safeParse(phone).success) {
    p.add(row, 'phone', 'Not an 11-digit mainland mobile number');
    return null;
  }
  return phone;
}

function checkResidency(cell: Cell, row: number, p: Problems): 'registered' | 'floating' {
  if (!cell.text) return 'registered';
  const residency = RESIDENCIES[cell.text.toLowerCase()];
  if (!residency)
    p.add(row, 'residency', `Unknown household type ${quote(cell.text)}; write 户籍, 常住, 流动 or 暂住`);
  return residency ?? 'registered';
}

function checkTags(cell: Cell, row: number, p: Problems): ResidentTag[] {
  const tags = new Set<ResidentTag>();
  for (const label of cell.text.split(/[,，、;；/\s]+/).filter(Boolean)) {
    const tag =
      TAGS[label] ??
      (Object.values(TAGS).includes(label as ResidentTag) ? (label as ResidentTag) : undefined);
    if (tag) tags.add(tag);
    else p.add(row, 'tags', `Unknown tag ${quote(label)}; known tags: ${TAG_LABELS.join('、')}`);
  }
  return [...tags];
}

function checkRelation(cell: Cell, row: number, p: Problems): 'owner' | 'tenant' | 'family' | null {
  if (!cell.text) {
    p.add(row, 'relation', 'Relation to the household is empty; write 户主, 业主, 租户 or 家属');
    return null;
  }
  const relation = relationOf(cell.text);
  if (!relation)
    p.add(
      row,
      'relation',
      `Unknown relation ${quote(cell.text)}; write 户主, 业主, 租户 or a family relation such as 配偶, 子女, 父母`,
    );
  return relation ?? null;
}

/** Plain numbers are common in sheets ("3" for 3号楼, "2" for 2单元, "301室" for room 301). */
function checkAddress(read: Reader, row: number, p: Problems): Address | null {
  const compound = collapse(read('compound').text);
  const building = collapse(read('building').text);
  const unit = collapse(read('unit').text) || '1单元';
  const room = toHalfWidth(collapse(read('room').text)).replace(/室$/, '');
  if (!compound) p.add(row, 'compound', 'Compound (小区) is empty');
  if (!building) p.add(row, 'building', 'Building (楼栋) is empty');
  if (!room) p.add(row, 'room', 'Room number (房号) is empty');
  if (!compound || !building || !room) return null;
  return { compound, building, unit: /^\d+$/.test(unit) ? `${unit}单元` : unit, room };
}

function checkRow(row: SheetRow, columns: Columns, p: Problems, hash: (id: string) => string): Entry {
  const read = readerFor(row, columns);
  const n = row.row;
  const idNumber = checkIdNumber(read('idNumber'), n, p);
  return {
    row: n,
    name: checkName(read('name'), n, p),
    idNumber,
    idHash: idNumber ? hash(idNumber) : null,
    gender: checkGender(read('gender'), idNumber, n, p),
    birthDate: checkBirthDate(read('birthDate'), idNumber, n, p),
    phone: checkPhone(read('phone'), n, p),
    residency: checkResidency(read('residency'), n, p),
    tags: checkTags(read('tags'), n, p),
    relation: checkRelation(read('relation'), n, p),
    address: checkAddress(read, n, p),
    grid: collapse(read('grid').text) || null,
  };
}

/** Each person once per file: a second row with the same ID number is reported, naming the first. */
function checkDuplicates(entries: Entry[], p: Problems): void {
  const firstRow = new Map<string, number>();
  for (const e of entries) {
    if (!e.idHash) continue;
    const first = firstRow.get(e.idHash);
    if (first === undefined) firstRow.set(e.idHash, e.row);
    else p.add(e.row, 'idNumber', `Same ID number as row ${first}; each person may appear only once`);
  }
}

/** One query for all ID numbers: which of these people does the community already have? */
async function checkRegistered(
  db: DbOrTx,
  communityId: string,
  entries: Entry[],
  p: Problems,
): Promise<void> {
  const hashes = [...new Set(entries.flatMap((e) => (e.idHash ? [e.idHash] : [])))];
  if (hashes.length === 0) return;
  const found = await db
    .select({ hash: residents.idNumberHash })
    .from(residents)
    .where(and(eq(residents.communityId, communityId), inArray(residents.idNumberHash, hashes)));
  const registered = new Set(found.map((r) => r.hash));
  for (const e of entries) {
    if (e.idHash && registered.has(e.idHash)) {
      p.add(
        e.row,
        'idNumber',
        'This person is already registered in this community; update their record instead of importing them again',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The address tree: found by name within the community, or planned for creation

interface BuildingRef {
  id: string;
  compoundId: string;
  gridId: string;
  orgPath: string;
  standardAddress: string;
}
interface UnitRef {
  id: string;
  building: BuildingRef;
  standardAddress: string;
  orgPath: string;
}
export interface RoomRef {
  id: string;
  orgPath: string;
}

const key = (...parts: string[]) => parts.join('\u0000');

/** What placing a row needs: its row number, its address and the grid for a new building (rooms import too). */
export interface PlacedRow {
  row: number;
  grid: string | null;
  address: Address;
}
/** Where a misplaced building is reported: only the grid column is ever blamed. */
export interface GridProblems {
  add(row: number, field: 'grid', message: string): void;
}

export class AddressPlan {
  readonly newCompounds: (typeof compounds.$inferInsert)[] = [];
  readonly newBuildings: (typeof buildings.$inferInsert)[] = [];
  readonly newUnits: (typeof units.$inferInsert)[] = [];
  readonly newRooms: (typeof rooms.$inferInsert)[] = [];
  private readonly compounds = new Map<string, { id: string; standardAddress: string }>();
  private readonly buildings = new Map<string, BuildingRef>();
  private readonly units = new Map<string, UnitRef>();
  private readonly rooms = new Map<string, RoomRef>();
  private readonly grids = new Map<string, { id: string; path: string }>();
  /** grid name and first row of each building this file creates, to catch rows that disagree */
  private readonly createdIn = new Map<string, { grid: string; row: number }>();

  constructor(
    private readonly community: OrgUnitRow,
    private readonly prefix: string,
  ) {}

  static async load(db: DbOrTx, community: OrgUnitRow): Promise<AddressPlan> {
    const plan = new AddressPlan(community, await communityAddressPrefix(db, community));
    const inCommunity = db
      .select({ id: compounds.id })
      .from(compounds)
      .where(eq(compounds.communityId, community.id));
    const [grids, cs, bs, us, rs] = await Promise.all([
      db
        .select({ id: orgUnits.id, name: orgUnits.name, path: orgUnits.path })
        .from(orgUnits)
        .where(and(eq(orgUnits.kind, 'grid'), like(orgUnits.path, `${escapeLike(community.path)}%`))),
      db.select().from(compounds).where(eq(compounds.communityId, community.id)),
      db.select().from(buildings).where(inArray(buildings.compoundId, inCommunity)),
      db
        .select({
          id: units.id,
          buildingId: units.buildingId,
          name: units.name,
          standardAddress: units.standardAddress,
          orgPath: units.orgPath,
        })
        .from(units)
        .where(
          inArray(
            units.buildingId,
            db.select({ id: buildings.id }).from(buildings).where(inArray(buildings.compoundId, inCommunity)),
          ),
        ),
      db
        .select({ id: rooms.id, unitId: rooms.unitId, number: rooms.number, orgPath: rooms.orgPath })
        .from(rooms)
        .where(inArray(rooms.compoundId, inCommunity)),
    ]);
    for (const g of grids) if (!plan.grids.has(g.name)) plan.grids.set(g.name, g);
    for (const c of cs) if (!plan.compounds.has(c.name)) plan.compounds.set(c.name, c);
    const byId = new Map<string, BuildingRef>();
    for (const b of bs) {
      byId.set(b.id, b);
      plan.buildings.set(key(b.compoundId, b.name), b);
    }
    for (const u of us) {
      const building = byId.get(u.buildingId);
      if (building) plan.units.set(key(u.buildingId, u.name), { ...u, building });
    }
    for (const r of rs) plan.rooms.set(key(r.unitId, r.number), r);
    return plan;
  }

  hasGrid(name: string): boolean {
    return this.grids.has(name);
  }

  /** The room of a row, creating what is missing on the way; undefined when the row's grid is wanted and wrong. */
  roomFor(e: PlacedRow, p: GridProblems): RoomRef | undefined {
    const compound = this.compound(e.address.compound);
    const building = this.building(compound, e, p);
    if (!building) return undefined;
    return this.room(this.unit(building, e.address.unit), e.address.room);
  }

  private compound(name: string): { id: string; standardAddress: string } {
    const found = this.compounds.get(name);
    if (found) return found;
    const created = {
      id: randomUUID(),
      communityId: this.community.id,
      name,
      standardAddress: `${this.prefix}${name}`,
      orgPath: this.community.path,
    };
    this.newCompounds.push(created);
    this.compounds.set(name, created);
    return created;
  }

  private building(
    compound: { id: string; standardAddress: string },
    e: PlacedRow,
    p: GridProblems,
  ): BuildingRef | undefined {
    const raw = e.address.building;
    // a bare "3" finds 3号楼 / 3栋 / 3幢 / 3号; a new one is called 3号楼
    const names = /^\d+$/.test(raw) ? [`${raw}号楼`, `${raw}栋`, `${raw}幢`, `${raw}号`, raw] : [raw];
    const existing = names.map((n) => this.buildings.get(key(compound.id, n))).find(Boolean);
    if (existing) {
      this.checkSameGrid(existing, e, p);
      return existing;
    }
    const name = names[0]!;
    const grid = e.grid ? this.grids.get(e.grid) : undefined;
    if (!grid) {
      if (!e.grid)
        p.add(
          e.row,
          'grid',
          `Building ${name} of ${e.address.compound} is new; fill in 网格 so it can be placed in a grid`,
        );
      return undefined; // an unknown grid name was reported already
    }
    const created = {
      id: randomUUID(),
      compoundId: compound.id,
      gridId: grid.id,
      name,
      standardAddress: `${compound.standardAddress}${name}`,
      orgPath: grid.path,
    };
    this.newBuildings.push(created);
    this.buildings.set(key(compound.id, name), created);
    this.createdIn.set(created.id, { grid: e.grid!, row: e.row });
    return created;
  }

  /** Rows placing one new building in two different grids cannot both be right. */
  private checkSameGrid(building: BuildingRef, e: PlacedRow, p: GridProblems): void {
    const first = this.createdIn.get(building.id);
    if (first && e.grid && e.grid !== first.grid && this.grids.has(e.grid)) {
      p.add(
        e.row,
        'grid',
        `Row ${first.row} places this new building in grid ${first.grid}, this row in ${e.grid}`,
      );
    }
  }

  private unit(building: BuildingRef, name: string): UnitRef {
    const found = this.units.get(key(building.id, name));
    if (found) return found;
    const created = {
      id: randomUUID(),
      buildingId: building.id,
      name,
      standardAddress: `${building.standardAddress}${name}`,
      orgPath: building.orgPath,
    };
    this.newUnits.push(created);
    const ref = { ...created, building };
    this.units.set(key(building.id, name), ref);
    return ref;
  }

  private room(unit: UnitRef, number: string): RoomRef {
    const found = this.rooms.get(key(unit.id, number));
    if (found) return found;
    const created = {
      id: randomUUID(),
      unitId: unit.id,
      buildingId: unit.building.id,
      compoundId: unit.building.compoundId,
      gridId: unit.building.gridId,
      number,
      floor: floorOfRoomNumber(number),
      standardAddress: roomAddress(unit, number),
      orgPath: unit.orgPath,
    };
    this.newRooms.push(created);
    this.rooms.set(key(unit.id, number), created);
    return created;
  }
}

/** Unknown grid names, whether or not the building needs one: a typo there is worth fixing. */
function checkGrids(entries: Entry[], plan: AddressPlan, p: Problems): void {
  for (const e of entries) {
    if (e.grid && !plan.hasGrid(e.grid))
      p.add(e.row, 'grid', `There is no grid named ${quote(e.grid)} in this community`);
  }
}

function placeRows(entries: Entry[], plan: AddressPlan, p: Problems): Map<number, RoomRef> {
  const placed = new Map<number, RoomRef>();
  for (const e of entries) {
    if (!e.address) continue;
    const room = plan.roomFor({ ...e, address: e.address }, p);
    if (room) placed.set(e.row, room);
  }
  return placed;
}

// ---------------------------------------------------------------------------------------------------
// Writing

export async function inChunks<T>(items: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) await write(items.slice(i, i + CHUNK));
}

function residentRows(
  s: Services,
  communityId: string,
  entries: Entry[],
  placed: Map<number, RoomRef>,
  actor: string,
) {
  const now = s.now();
  const people: (typeof residents.$inferInsert)[] = [];
  const bindings: (typeof householdBindings.$inferInsert)[] = [];
  for (const e of entries) {
    const room = placed.get(e.row)!;
    const id = randomUUID();
    people.push({
      id,
      communityId,
      orgPath: room.orgPath,
      name: e.name,
      gender: e.gender,
      birthDate: e.birthDate,
      ...sealIdNumber(s.vault, e.idNumber),
      ...sealPhone(s.vault, e.phone),
      residency: e.residency,
      tags: e.tags,
    });
    bindings.push({
      residentId: id,
      roomId: room.id,
      relation: e.relation!,
      // the community office importing its own register is the verifying authority
      status: 'verified',
      orgPath: room.orgPath,
      requestedBy: actor,
      reviewedBy: actor,
      reviewedAt: now,
    });
  }
  return { people, bindings };
}

export const isUniqueViolation = (err: unknown): boolean => {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
};

async function writeAll(tx: DbOrTx, plan: AddressPlan, rows: ReturnType<typeof residentRows>): Promise<void> {
  await inChunks(plan.newCompounds, (c) => tx.insert(compounds).values(c));
  await inChunks(plan.newBuildings, (c) => tx.insert(buildings).values(c));
  await inChunks(plan.newUnits, (c) => tx.insert(units).values(c));
  await inChunks(plan.newRooms, (c) => tx.insert(rooms).values(c));
  await inChunks(rows.people, (c) => tx.insert(residents).values(c));
  await inChunks(rows.bindings, (c) => tx.insert(householdBindings).values(c));
}

// ---------------------------------------------------------------------------------------------------
// The command

/** The community by id; 404 for anything else, so a grid or street id is not mistaken for one. */
export async function loadCommunity(db: DbOrTx, id: string): Promise<OrgUnitRow> {
  const [row] = await db.select().from(orgUnits).where(eq(orgUnits.id, id));
  if (!row || row.kind !== 'community') throw notFound('Community', id);
  return row;
}

function sortedProblems(p: Problems): Problem[] {
  return [...p.all].sort((a, b) => a.row - b.row).slice(0, MAX_REPORTED_PROBLEMS);
}

/** How many rooms a real run would create from the rows that passed, planned without the bad ones. */
async function roomsWouldCreate(
  db: DbOrTx,
  community: OrgUnitRow,
  good: Entry[],
  columns: Columns,
): Promise<number> {
  const plan = await AddressPlan.load(db, community);
  placeRows(good, plan, new Problems(columns));
  return plan.newRooms.length;
}

async function recordRun(
  db: DbOrTx,
  run: { id: string; community: OrgUnitRow; props: ImportResidentsProps; report: ImportReportT },
) {
  const { id, community, props, report } = run;
  await db.insert(importRuns).values({
    id,
    kind: 'residents',
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
  // the file's personal data passed through the server under this actor, whatever the outcome
  await writeAudit(db, {
    actorUserId: props.actorUserId,
    action: 'import',
    targetType: 'residents',
    targetId: id,
    fields: ['idNumber', 'phone'],
    reason: `resident import ${report.status}: ${report.totalRows} rows, ${report.badRows} bad`,
    requestId: props.requestId,
    orgPath: community.path,
  });
}

export async function importResidents(s: Services, props: ImportResidentsProps): Promise<ImportReportT> {
  const started = Date.now();
  const community = await loadCommunity(s.db, props.communityId);
  const sheet = await readSheet(props.data, props.contentType);
  const columns = findColumns(sheet, COLUMNS);
  const dataRows = sheet.filter((r) => r.row > columns.headerRow && r.cells.some((c) => c.text !== ''));
  if (dataRows.length === 0) throw badRequest('The file has a header row but no data rows');
  if (dataRows.length > MAX_IMPORT_ROWS) throw tooManyRows();

  const problems = new Problems(columns);
  const entries = dataRows.map((r) => checkRow(r, columns, problems, (id) => s.vault.blindIndex(id)));
  checkDuplicates(entries, problems);
  const [plan] = await Promise.all([
    AddressPlan.load(s.db, community),
    checkRegistered(s.db, community.id, entries, problems),
  ]);
  checkGrids(entries, plan, problems);
  const placed = placeRows(entries, plan, problems);

  const bad = problems.badRows.size;
  const good = entries.filter((e) => !problems.badRows.has(e.row));
  const status = props.dryRun ? 'checked' : bad > 0 ? 'rejected' : 'imported';
  // a dry run previews what a real run would create from the rows that passed; a rejected run created nothing
  const roomsCreated =
    status === 'rejected'
      ? 0
      : bad === 0
        ? plan.newRooms.length
        : await roomsWouldCreate(s.db, community, good, columns);
  const okCount = status === 'rejected' ? 0 : good.length;
  const report: ImportReportT = {
    id: randomUUID(),
    dryRun: props.dryRun,
    status,
    totalRows: entries.length,
    okRows: entries.length - bad,
    badRows: bad,
    problems: sortedProblems(problems),
    created: { residents: okCount, rooms: roomsCreated, bindings: okCount },
  };
  const run = { id: report.id, community, props, report };

  if (status === 'imported') {
    const rows = residentRows(s, community.id, good, placed, props.actorUserId);
    try {
      await s.db.transaction(async (tx) => {
        await writeAll(tx, plan, rows);
        await recordRun(tx, run);
      });
    } catch (err) {
      if (err instanceof ApiError || !isUniqueViolation(err)) throw err;
      throw conflict(
        'Some of these people or addresses were registered by someone else while the file was being imported; nothing was imported, run the import again',
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
    'resident import',
  );
  return report;
}
