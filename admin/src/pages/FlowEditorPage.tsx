// 流程设计 › one process: edit the latest version (or a new/imported draft) with lint while editing, deploy it
// as a new version, list the versions with how many cases run on each, open any version read-only, and colour
// what changed from the version before.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Drawer,
  List,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { CloudUploadOutlined, DownloadOutlined, HistoryOutlined, UploadOutlined } from '@ant-design/icons';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Definition, DeployProblem, Instance } from '@linli/contracts';
import { api, ApiError, errorText, type Page } from '../api';
import { formatTime } from '../labels';
import { useSession } from '../session';
import { BpmnCanvas, type BpmnInstance, type LintIssue } from '../bpmn/BpmnCanvas';
import { takeDraft } from '../bpmn/drafts';
import { ruleText } from '../bpmn/lint';

interface DiffView {
  from: Definition;
  added: { id: string; name?: string }[];
  removed: { id: string; type: string; name?: string }[];
  changed: { id: string; changes: { field: string; from?: string; to?: string }[] }[];
}

type Overlays = {
  add(id: string, type: string, o: { position: Record<string, number>; html: string | HTMLElement }): string;
  remove(filter: { type: string }): void;
};
type Canvas = { addMarker(id: string, c: string): void; removeMarker(id: string, c: string): void };
type Registry = { get(id: string): unknown };

async function allRunningByVersion(processId: string): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for (let page = 1; page <= 20; page++) {
    const res = await api<Page<Instance>>('/instances', {
      query: { processId, status: 'running', page, pageSize: 200 },
    });
    for (const i of res.items) counts[i.definitionVersion] = (counts[i.definitionVersion] ?? 0) + 1;
    if (page * res.pageSize >= res.total) break;
  }
  return counts;
}

export function FlowEditorPage() {
  const { processId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const { can } = useSession();
  const { message } = App.useApp();
  const mayDeploy = can('definitions.deploy');

  const [versions, setVersions] = useState<Definition[] | null>(null);
  const [running, setRunning] = useState<Record<number, number>>({});
  const [xml, setXml] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Record<string, LintIssue[]>>({});
  const [serverProblems, setServerProblems] = useState<DeployProblem[]>([]);
  const [dirty, setDirty] = useState(false);
  const [deploying, setDeploying] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const [diff, setDiff] = useState<DiffView | null>(null);
  const instance = useRef<BpmnInstance | null>(null);

  const isDraft = search.get('draft') === '1';
  const latest = versions?.[0];
  const requested = Number(search.get('v')) || undefined;
  const shown = isDraft
    ? undefined
    : (versions?.find((v) => v.version === (requested ?? latest?.version)) ?? latest);
  const compareWith = search.get('diff');
  const editable =
    mayDeploy && !compareWith && (isDraft || (shown !== undefined && shown.version === latest?.version));

  const loadVersions = useCallback(async () => {
    const page = await api<Page<Definition>>('/definitions', { query: { processId, pageSize: 200 } });
    setVersions(page.items);
    setRunning(await allRunningByVersion(processId).catch(() => ({})));
    return page.items;
  }, [processId]);

  useEffect(() => {
    loadVersions().catch((err) => {
      if (!(err instanceof ApiError && err.status === 404)) setLoadError(errorText(err));
      setVersions([]);
    });
  }, [loadVersions]);

  // the diagram to show: the draft, or the chosen version's XML
  useEffect(() => {
    setServerProblems([]);
    setDirty(false);
    setDiff(null);
    if (isDraft) {
      const draft = takeDraft(processId);
      if (draft) setXml(draft);
      else setLoadError('草稿已失效，请重新导入或新建');
      return;
    }
    if (!shown) {
      if (versions && versions.length === 0) setLoadError(`没有找到流程 ${processId}`);
      return;
    }
    let cancelled = false;
    api<string>(`/definitions/${shown.id}/xml`, { text: true })
      .then((text) => !cancelled && setXml(text))
      .catch((err) => !cancelled && setLoadError(errorText(err)));
    if (compareWith) {
      api<DiffView>(`/definitions/${shown.id}/diff`, { query: { with: compareWith } })
        .then((d) => !cancelled && setDiff(d))
        .catch((err) => message.error(errorText(err)));
    }
    return () => {
      cancelled = true;
    };
  }, [isDraft, processId, shown?.id, compareWith, versions, message]);

  const lintErrors = useMemo(
    () => Object.entries(issues).flatMap(([elementId, list]) => list.map((i) => ({ elementId, ...i }))),
    [issues],
  );
  const errorCount = lintErrors.filter((i) => i.category === 'error' || i.category === 'rule-error').length;
  const warnCount = lintErrors.length - errorCount;

  const markers = useMemo(() => {
    if (!diff) return undefined;
    const m: Record<string, string[]> = {};
    for (const a of diff.added) m[a.id] = ['linli-added'];
    for (const c of diff.changed) m[c.id] = ['linli-changed'];
    return m;
  }, [diff]);

  const showServerProblems = (problems: DeployProblem[]) => {
    const bpmn = instance.current;
    if (!bpmn) return;
    const overlays = bpmn.get<Overlays>('overlays');
    const canvas = bpmn.get<Canvas>('canvas');
    const registry = bpmn.get<Registry>('elementRegistry');
    overlays.remove({ type: 'linli-problem' });
    for (const p of serverProblems)
      if (p.elementId && registry.get(p.elementId)) canvas.removeMarker(p.elementId, 'linli-server-error');
    for (const p of problems) {
      if (!p.elementId || !registry.get(p.elementId)) continue;
      canvas.addMarker(p.elementId, 'linli-server-error');
      const badge = document.createElement('div');
      badge.className = 'linli-problem-badge';
      badge.dataset.elementId = p.elementId;
      badge.textContent = ruleText(p.rule);
      badge.title = p.message;
      overlays.add(p.elementId, 'linli-problem', { position: { bottom: -4, left: 0 }, html: badge });
    }
    setServerProblems(problems);
  };

  const currentXml = async (): Promise<string> => {
    // the properties panel applies typing after a short debounce: let the last keystrokes land first
    (document.activeElement as HTMLElement | null)?.blur();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const bpmn = instance.current as { saveXML(o: { format: boolean }): Promise<{ xml?: string }> } | null;
    const saved = await bpmn?.saveXML({ format: true });
    if (!saved?.xml) throw new Error('流程图为空');
    return saved.xml;
  };

  const deploy = async () => {
    setDeploying(true);
    try {
      const data = await currentXml();
      const result = await api<{ definition: Definition; created: boolean }>('/definitions', {
        method: 'POST',
        raw: { data, contentType: 'application/xml' },
      });
      showServerProblems([]);
      if (!result.created) {
        message.info(`与版本 ${result.definition.version} 相同，未生成新版本`);
        return;
      }
      message.success(`已部署为版本 ${result.definition.version}`);
      await loadVersions();
      setSearch({ v: String(result.definition.version) });
      if (result.definition.processId !== processId) navigate(`/flows/${result.definition.processId}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        const problems = (err.details as { problems?: DeployProblem[] } | undefined)?.problems ?? [];
        showServerProblems(problems);
        message.error(`服务器校验未通过：${problems.length} 个问题`);
      } else {
        message.error(errorText(err));
      }
    } finally {
      setDeploying(false);
    }
  };

  const exportFile = async () => {
    const data = editable ? await currentXml() : xml!;
    const url = URL.createObjectURL(new Blob([data], { type: 'application/xml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${processId}${shown && !editable ? `-v${shown.version}` : ''}.bpmn`;
    a.click();
    URL.revokeObjectURL(url);
  };

  const selectElement = (elementId: string) => {
    const bpmn = instance.current;
    if (!bpmn) return;
    const el = bpmn.get<Registry>('elementRegistry').get(elementId);
    if (el && editable) bpmn.get<{ select(e: unknown): void }>('selection').select(el);
  };

  if (loadError) return <Alert type="error" title={loadError} showIcon />;

  const title = shown?.name ?? latest?.name ?? processId;
  return (
    <Card
      title={
        <Space>
          <span id="flow-title">{title}</span>
          {isDraft ? (
            <Tag color="orange">未部署的草稿</Tag>
          ) : (
            shown && <Tag color={editable ? 'blue' : 'default'}>v{shown.version}</Tag>
          )}
          {!editable && shown && <Tag id="readonly-tag">只读</Tag>}
          {dirty && <Tag color="gold">有未部署的修改</Tag>}
        </Space>
      }
      extra={
        <Space wrap>
          {versions && versions.length > 0 && (
            <Select
              id="version-select"
              className="version-select"
              style={{ width: 200 }}
              value={isDraft ? undefined : shown?.version}
              placeholder="草稿"
              onChange={(v: number) => setSearch({ v: String(v) })}
              options={versions.map((v) => ({
                value: v.version,
                label: `v${v.version}${v.version === latest?.version ? '（最新）' : ''} · ${formatTime(v.deployedAt)}`,
              }))}
            />
          )}
          <Button id="versions-button" icon={<HistoryOutlined />} onClick={() => setShowVersions(true)}>
            版本记录
          </Button>
          {editable && (
            <Upload
              accept=".bpmn,.xml"
              showUploadList={false}
              beforeUpload={(file) => {
                void file.text().then(async (text) => {
                  const bpmn = instance.current as { importXML(x: string): Promise<unknown> } | null;
                  try {
                    await bpmn?.importXML(text);
                    setDirty(true);
                  } catch {
                    message.error('文件不是有效的 BPMN 流程图');
                  }
                });
                return false;
              }}
            >
              <Button id="editor-import" icon={<UploadOutlined />}>
                导入
              </Button>
            </Upload>
          )}
          <Button
            id="export-bpmn"
            icon={<DownloadOutlined />}
            onClick={() => void exportFile()}
            disabled={!xml}
          >
            导出 .bpmn
          </Button>
          {editable && (
            <Button
              id="deploy-button"
              type="primary"
              icon={<CloudUploadOutlined />}
              loading={deploying}
              disabled={errorCount > 0}
              title={errorCount > 0 ? '请先修正检查出的错误' : undefined}
              onClick={() => void deploy()}
            >
              部署新版本
            </Button>
          )}
        </Space>
      }
    >
      {editable ? (
        <Space style={{ marginBottom: 8 }} id="lint-status">
          <Badge status={errorCount ? 'error' : 'success'} />
          <Typography.Text id="lint-summary">
            {errorCount || warnCount ? `检查：${errorCount} 个错误，${warnCount} 个警告` : '检查通过'}
          </Typography.Text>
          {!isDraft && shown && shown.version !== latest?.version && (
            <Typography.Text>（基于 v{shown.version}）</Typography.Text>
          )}
        </Space>
      ) : (
        shown && (
          <Alert
            style={{ marginBottom: 8 }}
            type="info"
            showIcon
            title={
              diff
                ? `v${diff.from.version} → v${shown.version}：新增 ${diff.added.length}（绿色），修改 ${diff.changed.length}（橙色），删除 ${diff.removed.length}`
                : `正在查看 v${shown.version}（只读）${latest && shown.version !== latest.version ? `，最新为 v${latest.version}` : ''}`
            }
            action={
              latest &&
              shown.version !== latest.version && (
                <Button size="small" onClick={() => setSearch({})}>
                  打开最新版本
                </Button>
              )
            }
          />
        )
      )}
      {xml && (
        <BpmnCanvas
          xml={xml}
          editable={editable}
          markers={markers}
          onReady={(i) => (instance.current = i)}
          onLint={setIssues}
          onChange={() => setDirty(true)}
          onError={(m) => message.error(m)}
        />
      )}
      {(serverProblems.length > 0 || (editable && lintErrors.length > 0)) && (
        <List
          id="problem-list"
          size="small"
          style={{ marginTop: 8, maxHeight: 220, overflow: 'auto' }}
          header={serverProblems.length > 0 ? `服务器校验未通过（${serverProblems.length}）` : '检查结果'}
          dataSource={[
            ...serverProblems.map((p) => ({
              source: 'server' as const,
              elementId: p.elementId,
              text: ruleText(p.rule),
              detail: p.message,
            })),
            ...lintErrors.map((i) => ({
              source: i.category === 'warn' ? ('warn' as const) : ('lint' as const),
              elementId: i.elementId,
              text: i.message,
              detail: i.rule,
            })),
          ]}
          renderItem={(p) => (
            <List.Item
              className={`problem problem-${p.source}`}
              data-element-id={p.elementId}
              onClick={() => p.elementId && selectElement(p.elementId)}
              style={{ cursor: p.elementId ? 'pointer' : undefined }}
            >
              <Space>
                <Tag color={p.source === 'warn' ? 'gold' : 'red'}>
                  {p.source === 'server' ? '服务器' : p.source === 'warn' ? '警告' : '错误'}
                </Tag>
                {p.elementId && <code>{p.elementId}</code>}
                <span>{p.text}</span>
                {p.source === 'server' && <Typography.Text type="secondary">{p.detail}</Typography.Text>}
              </Space>
            </List.Item>
          )}
        />
      )}
      <Drawer title="版本记录" size={640} open={showVersions} onClose={() => setShowVersions(false)}>
        <Table<Definition>
          id="versions-table"
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={versions ?? []}
          columns={[
            { title: '版本', dataIndex: 'version', render: (v: number) => <Tag color="blue">v{v}</Tag> },
            { title: '部署时间', dataIndex: 'deployedAt', render: formatTime },
            {
              title: '进行中的案件',
              dataIndex: 'version',
              key: 'running',
              render: (v: number) => running[v] ?? 0,
            },
            {
              title: '操作',
              key: 'actions',
              render: (_, r, index) => (
                <Space>
                  <Button
                    size="small"
                    id={`open-version-${r.version}`}
                    onClick={() => {
                      setShowVersions(false);
                      setSearch({ v: String(r.version) });
                    }}
                  >
                    打开
                  </Button>
                  {versions && index < versions.length - 1 && (
                    <Button
                      size="small"
                      id={`diff-version-${r.version}`}
                      onClick={() => {
                        setShowVersions(false);
                        const prev = versions[index + 1]!;
                        setSearch({ v: String(r.version), diff: prev.id });
                      }}
                    >
                      与 v{versions[index + 1]!.version} 对比
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Drawer>
    </Card>
  );
}
