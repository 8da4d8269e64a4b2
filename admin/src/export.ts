// Export of a list page to Excel: every row the page's current filters select (all pages, fetched 200 at a
// time), written as an .xlsx workbook in the browser with Chinese column headers. Values are exactly what the API
// returned to this account, so ID numbers and phones stay masked as the list shows them.
//
// The workbook is written by exceljs (already used by the server's import); its browser build is loaded only
// when someone exports, so the console's first load does not pay for it.
import { api, type Page } from './api';

export interface ExportColumn<T> {
  /** the Chinese header of the column */
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** width in characters; 16 if not given */
  width?: number;
}

/** the largest page the API serves (contracts PageQuery) */
const PAGE_SIZE = 200;
/** a guard against exporting a whole city by accident: narrow the filters instead */
export const MAX_EXPORT_ROWS = 50_000;

export class ExportTooLarge extends Error {
  constructor(readonly total: number) {
    super(`共 ${total} 条，超过一次导出的上限 ${MAX_EXPORT_ROWS} 条，请缩小筛选范围后再导出`);
  }
}

/** Every row of a paged list with the given filters (page and pageSize are set here). */
export async function fetchAll<T>(
  path: string,
  query: Record<string, string | number | undefined> = {},
): Promise<T[]> {
  const rows: T[] = [];
  for (let page = 1; ; page += 1) {
    const res = await api<Page<T>>(path, { query: { ...query, page, pageSize: PAGE_SIZE } });
    if (res.total > MAX_EXPORT_ROWS) throw new ExportTooLarge(res.total);
    rows.push(...res.items);
    if (res.items.length < PAGE_SIZE || rows.length >= res.total) return rows;
  }
}

/** A file name such as 居民名单-20260124-0930.xlsx (local time). */
export function exportFileName(title: string, at = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}`;
  return `${title}-${stamp}.xlsx`;
}

/** Writes rows to an .xlsx workbook (one sheet, bold frozen header row) and hands it to the browser. */
export async function downloadXlsx<T>(title: string, columns: ExportColumn<T>[], rows: T[]): Promise<string> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(title.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width ?? 16 }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    // every value is written as text or number as the API gave it: long digit strings stay text
    sheet.addRow(columns.map((c) => c.value(row) ?? ''));
  }
  const buffer = await workbook.xlsx.writeBuffer();
  const blob = new Blob([buffer], {
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  });
  const name = exportFileName(title);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return name;
}
