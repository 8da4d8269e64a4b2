// 导出 Excel: the button every list page puts in its header. It fetches all rows of the page's current filters
// and downloads them as .xlsx (export.ts).
import { useState } from 'react';
import { App, Button } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { errorText } from '../api';
import { ExportTooLarge, downloadXlsx, fetchAll, type ExportColumn } from '../export';

interface Props<T> {
  /** the sheet and file name, such as 居民名单 */
  title: string;
  path: string;
  /** the page's current filters, without page and pageSize */
  query?: Record<string, string | number | undefined>;
  columns: ExportColumn<T>[];
  /** rows that need more than the list (names looked up elsewhere…) */
  enrich?: (rows: T[]) => Promise<T[]>;
  disabled?: boolean;
}

export function ExportButton<T>({ title, path, query, columns, enrich, disabled }: Props<T>) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      let rows = await fetchAll<T>(path, query);
      if (rows.length === 0) {
        message.info('没有符合当前筛选条件的数据，无需导出');
        return;
      }
      if (enrich) rows = await enrich(rows);
      const name = await downloadXlsx(title, columns, rows);
      message.success(`已导出 ${rows.length} 条：${name}`);
    } catch (err) {
      message.error(err instanceof ExportTooLarge ? err.message : `导出失败：${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      id="export-button"
      icon={<DownloadOutlined />}
      loading={busy}
      disabled={disabled}
      onClick={() => void run()}
    >
      导出 Excel
    </Button>
  );
}
