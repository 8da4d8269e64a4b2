// The upload → check (dry run) → problem table → confirm flow shared by the import pages (导入居民, 导入房屋).
// The server checks every row first and writes nothing; only a clean file can be imported, and the import is
// all or nothing on the server.
import { useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Result,
  Space,
  Statistic,
  Table,
  Typography,
  Upload,
  type UploadFile,
} from 'antd';
import { ArrowLeftOutlined, DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { ApiError, errorText, type ImportReport } from '../api';
import { useSession } from '../session';
import { importMessage } from '../labels';

/** Downloads an empty template: the header row as CSV with a BOM, so Excel and WPS open it as UTF-8. */
export function downloadTemplate(headers: string[], fileName: string): void {
  const blob = new Blob(['\ufeff', `${headers.join(',')}\r\n`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

type Problem = ImportReport['problems'][number];

export interface ImportPanelProps {
  /** 导入居民 */
  title: string;
  /** what one row is, for messages: 居民, 房屋 */
  noun: string;
  back: { path: string; label: string };
  template: { headers: string[]; fileName: string };
  /** the paragraph above the upload box: file types, required columns, the all-or-nothing rule */
  help: ReactNode;
  /** the upload box's main line */
  uploadText: string;
  upload: (communityId: string, file: File, dryRun: boolean) => Promise<ImportReport>;
  /** the server's English problem text in Chinese; importMessage covers the shared ones */
  translate?: (message: string) => string | undefined;
  /** the line under a clean check, and the result after the import */
  cleanText: string;
  doneTitle: (r: ImportReport) => string;
  doneText: (r: ImportReport) => string;
  /** the button after the import */
  doneAction: { path: string; label: string };
}

export function ImportPanel(props: ImportPanelProps) {
  const { message } = App.useApp();
  const { can, user, scope } = useSession();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  const communityId = user?.roles[scope]?.orgUnitId;
  const say = (m: string) => props.translate?.(m) ?? importMessage(m);

  /** A file-level refusal (no header, wrong encoding…) in Chinese, with the missing columns if any. */
  const fileError = (err: unknown): string => {
    if (!(err instanceof ApiError) || err.status !== 400) return errorText(err);
    const missing = (err.details as { missingColumns?: string[] } | undefined)?.missingColumns;
    const text = say(err.message);
    return missing?.length ? `${text}：${missing.join('、')}` : text;
  };

  if (!can('imports.create') || !communityId) {
    return (
      <Card title={props.title}>
        <Empty description={`此角色不能导入${props.noun}，请切换到社区管理员的管辖范围`} />
      </Card>
    );
  }

  const check = async (f: File) => {
    setBusy('check');
    setReport(null);
    setError(null);
    setDone(null);
    try {
      setReport(await props.upload(communityId, f, true));
    } catch (err) {
      setError(fileError(err));
    } finally {
      setBusy(null);
    }
  };

  const runImport = async () => {
    if (!file) return;
    setBusy('import');
    setError(null);
    try {
      const result = await props.upload(communityId, file, false);
      if (result.status === 'imported') {
        setDone(result);
        setReport(null);
        setFile(null);
        message.success(props.doneTitle(result));
      } else {
        // the data changed between the check and the import: show what the server found now
        setReport(result);
      }
    } catch (err) {
      setError(fileError(err));
    } finally {
      setBusy(null);
    }
  };

  const clean = report !== null && report.badRows === 0 && report.problems.length === 0;
  const fileList: UploadFile[] = file ? [{ uid: 'register', name: file.name, status: 'done' }] : [];

  return (
    <Card
      title={props.title}
      extra={
        <Space>
          <Button
            id="import-template"
            icon={<DownloadOutlined />}
            onClick={() => downloadTemplate(props.template.headers, props.template.fileName)}
          >
            下载模板
          </Button>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(props.back.path)}>
            {props.back.label}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {props.help}
        </Typography.Paragraph>
        <Upload.Dragger
          id="import-upload"
          accept=".xlsx,.csv"
          maxCount={1}
          fileList={fileList}
          disabled={busy !== null}
          beforeUpload={(f) => {
            setFile(f);
            void check(f);
            return false;
          }}
          onRemove={() => {
            setFile(null);
            setReport(null);
            setError(null);
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{props.uploadText}</p>
          <p className="ant-upload-hint">选择后自动检查，不会写入任何数据</p>
        </Upload.Dragger>

        {busy === 'check' && <Alert type="info" showIcon title="正在检查文件…" />}
        {error && <Alert id="import-error" type="error" showIcon title="文件无法导入" description={error} />}

        {report && (
          <div id="import-report">
            <Space size={48} style={{ marginBottom: 16 }}>
              <Statistic title="数据行" value={report.totalRows} />
              <Statistic title="可导入" value={report.okRows} styles={{ content: { color: '#389e0d' } }} />
              <Statistic
                title="有问题"
                value={report.badRows}
                styles={{ content: { color: report.badRows ? '#cf1322' : undefined } }}
              />
              <Statistic title="将新建房屋" value={report.created.rooms} />
            </Space>
            {clean ? (
              <Alert
                id="import-clean"
                type="success"
                showIcon
                title={`检查通过：${report.okRows} 行均可导入`}
                description={props.cleanText}
              />
            ) : (
              <Alert
                id="import-has-errors"
                type="error"
                showIcon
                title={
                  report.status === 'rejected'
                    ? `导入未执行：${report.badRows} 行有问题，未写入任何数据`
                    : `${report.badRows} 行有问题，请在文件中改正后重新选择文件`
                }
              />
            )}
            {report.problems.length > 0 && (
              <Table<Problem>
                id="import-problems"
                style={{ marginTop: 16 }}
                size="small"
                rowKey={(p) => `${p.row}-${p.column ?? ''}-${p.message}`}
                dataSource={report.problems}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[
                  { title: '行号', dataIndex: 'row', width: 80 },
                  { title: '列', dataIndex: 'column', width: 120, render: (v?: string) => v ?? '—' },
                  { title: '问题', dataIndex: 'message', render: (v: string) => say(v) },
                ]}
              />
            )}
          </div>
        )}

        {done && (
          <Result
            className="import-done"
            status="success"
            title={props.doneTitle(done)}
            subTitle={props.doneText(done)}
            extra={
              <Button type="primary" onClick={() => navigate(props.doneAction.path)}>
                {props.doneAction.label}
              </Button>
            }
          />
        )}

        {!done && (
          <Space>
            <Button
              id="import-recheck"
              disabled={!file || busy !== null}
              onClick={() => file && void check(file)}
            >
              重新检查
            </Button>
            <Button
              id="import-confirm"
              type="primary"
              disabled={!clean || !file || busy !== null}
              loading={busy === 'import'}
              onClick={() => void runImport()}
            >
              确认导入
            </Button>
          </Space>
        )}
      </Space>
    </Card>
  );
}
