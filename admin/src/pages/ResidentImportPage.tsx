// 导入居民: the community office uploads its register (.xlsx or .csv). The file is checked first (a dry run that
// writes nothing) and every bad row is listed; only a clean file can be imported, and the import is all or
// nothing on the server.
import { useState } from 'react';
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
import { ApiError, errorText, importResidents, type ImportReport } from '../api';
import { useSession } from '../session';
import { importMessage } from '../labels';

/** The columns the server reads (server/src/imports/residents.ts), in the order of the register. */
const TEMPLATE_HEADERS = [
  '姓名',
  '性别',
  '出生日期',
  '身份证号',
  '联系电话',
  '户籍类型',
  '标签',
  '小区',
  '楼栋',
  '单元',
  '房号',
  '与户关系',
  '网格',
];
const REQUIRED = ['姓名', '身份证号', '小区', '楼栋', '房号', '与户关系'];

function downloadTemplate(): void {
  // the BOM makes Excel and WPS open the file as UTF-8
  const blob = new Blob(['\ufeff', `${TEMPLATE_HEADERS.join(',')}\r\n`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = '居民导入模板.csv';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file-level refusal (no header, wrong encoding…) in Chinese, with the missing columns if any. */
function fileError(err: unknown): string {
  if (!(err instanceof ApiError) || err.status !== 400) return errorText(err);
  const missing = (err.details as { missingColumns?: string[] } | undefined)?.missingColumns;
  const text = importMessage(err.message);
  return missing?.length ? `${text}：${missing.join('、')}` : text;
}

type Problem = ImportReport['problems'][number];

export function ResidentImportPage() {
  const { message } = App.useApp();
  const { can, user, scope } = useSession();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  const communityId = user?.roles[scope]?.orgUnitId;

  if (!can('imports.create') || !communityId) {
    return (
      <Card title="导入居民">
        <Empty description="此角色不能导入居民，请切换到社区管理员的管辖范围" />
      </Card>
    );
  }

  const check = async (f: File) => {
    setBusy('check');
    setReport(null);
    setError(null);
    setDone(null);
    try {
      setReport(await importResidents(communityId, f, true));
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
      const result = await importResidents(communityId, file, false);
      if (result.status === 'imported') {
        setDone(result);
        setReport(null);
        setFile(null);
        message.success(`已导入 ${result.created.residents} 位居民`);
      } else {
        // the register changed between the check and the import: show what the server found now
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
      title="导入居民"
      extra={
        <Space>
          <Button id="import-template" icon={<DownloadOutlined />} onClick={downloadTemplate}>
            下载模板
          </Button>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/residents')}>
            返回居民列表
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          支持 Excel（.xlsx）和 CSV（UTF-8）文件，第一行为表头。必填列：{REQUIRED.join('、')}
          ；新楼栋还需填写“网格”。选择文件后先检查，全部无误才能导入；导入要么全部成功，要么一条也不写入。
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
          <p className="ant-upload-text">点击或拖入居民登记表（.xlsx / .csv）</p>
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
                description="确认后将一次性导入全部居民及其房屋绑定。"
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
                  { title: '问题', dataIndex: 'message', render: (v: string) => importMessage(v) },
                ]}
              />
            )}
          </div>
        )}

        {done && (
          <Result
            className="import-done"
            status="success"
            title={`已导入 ${done.created.residents} 位居民`}
            subTitle={`新建房屋 ${done.created.rooms} 间，房屋绑定 ${done.created.bindings} 条。`}
            extra={
              <Button type="primary" onClick={() => navigate('/residents')}>
                查看居民列表
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
