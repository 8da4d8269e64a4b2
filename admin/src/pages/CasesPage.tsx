// 流程监控: cases in the admin's area, filtered by process, version, state, org unit, an overdue step and business key;
// open one to watch it. The list follows the cases live: a case update pushed over /ws (live.ts) refetches the
// current filters and page.
import { useCallback, useEffect, useRef, useState } from 'react';
import { App, Card, Checkbox, Form, Input, Select, Table, Tag, TreeSelect } from 'antd';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { Definition, Instance } from '@linli/contracts';
import { api, errorText, type Page } from '../api';
import { formatTime, INSTANCE_STATUS } from '../labels';
import { ExportButton } from '../components/ExportButton';
import { unitTree, useScopeUnits } from '../org-scope';
import { useLiveRefetch } from '../live';

export function CasesPage() {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const [processes, setProcesses] = useState<Definition[]>([]);
  const [page, setPage] = useState<Page<Instance> | null>(null);
  const [loading, setLoading] = useState(false);
  const processId = search.get('processId') ?? undefined;
  const status = search.get('status') ?? undefined;
  const businessKey = search.get('businessKey') ?? undefined;
  const version = search.get('version') ?? undefined;
  const orgUnitId = search.get('orgUnitId') ?? undefined;
  const overdue = search.get('overdue') === 'true' ? 'true' : undefined;
  const pageNo = Number(search.get('page')) || 1;
  const scopeUnits = useScopeUnits();
  const [versions, setVersions] = useState<Definition[]>([]);
  const filters = { processId, version, status, orgUnitId, overdue, businessKey };

  useEffect(() => {
    if (!processId) return setVersions([]);
    api<Page<Definition>>('/definitions', { query: { processId, pageSize: 100 } })
      .then((p) => setVersions(p.items))
      .catch(() => setVersions([]));
  }, [processId]);

  useEffect(() => {
    api<Page<Definition>>('/definitions', { query: { pageSize: 200 } })
      .then((p) => setProcesses(p.items))
      .catch(() => undefined);
  }, []);

  const latest = useRef(0);
  const load = useCallback(
    (quiet = false) => {
      // a live refetch replaces the rows in place, without the table's spinner; only the latest answer counts
      const call = ++latest.current;
      if (!quiet) setLoading(true);
      api<Page<Instance>>('/instances', {
        query: { processId, version, status, orgUnitId, overdue, businessKey, page: pageNo, pageSize: 20 },
      })
        .then((p) => call === latest.current && setPage(p))
        .catch((err) => {
          if (!quiet && call === latest.current) message.error(errorText(err));
        })
        .finally(() => call === latest.current && setLoading(false));
    },
    [processId, version, status, orgUnitId, overdue, businessKey, pageNo, message],
  );
  useEffect(() => load(), [load]);
  // a case started, moved on or ended in the area (the hub only tells admins about cases of their area)
  useLiveRefetch(['instance.updated'], () => load(true));

  const names = Object.fromEntries(processes.map((p) => [p.processId, p.name ?? p.processId]));
  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    next.delete('page');
    setSearch(next);
  };

  return (
    <Card
      title="流程监控"
      extra={
        <ExportButton<Instance>
          title="案件列表"
          path="/instances"
          query={filters}
          columns={[
            { header: '案件编号', value: (r) => r.id, width: 38 },
            { header: '流程', value: (r) => names[r.processId] ?? r.processId, width: 20 },
            { header: '版本', value: (r) => `v${r.definitionVersion}`, width: 6 },
            { header: '业务编号', value: (r) => r.businessKey, width: 20 },
            { header: '状态', value: (r) => INSTANCE_STATUS[r.status]?.text ?? r.status, width: 10 },
            { header: '发起时间', value: (r) => formatTime(r.startedAt), width: 18 },
            { header: '结束时间', value: (r) => formatTime(r.endedAt), width: 18 },
          ]}
        />
      }
    >
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label="流程">
          <Select
            id="filter-process"
            allowClear
            style={{ width: 200 }}
            placeholder="全部流程"
            value={processId}
            onChange={(v?: string) => update({ processId: v, version: undefined })}
            options={processes.map((p) => ({ value: p.processId, label: p.name ?? p.processId }))}
          />
        </Form.Item>
        <Form.Item label="版本">
          <Select
            id="filter-version"
            allowClear
            style={{ width: 110 }}
            placeholder={processId ? '全部版本' : '先选流程'}
            disabled={!processId}
            value={version}
            onChange={(v?: string) => update({ version: v })}
            options={versions.map((d) => ({ value: String(d.version), label: `v${d.version}` }))}
          />
        </Form.Item>
        <Form.Item label="组织">
          <TreeSelect
            id="filter-org"
            allowClear
            style={{ width: 200 }}
            placeholder="全部（管辖范围）"
            value={orgUnitId}
            treeDefaultExpandAll
            treeData={unitTree(scopeUnits.units)}
            onChange={(v?: string) => update({ orgUnitId: v })}
          />
        </Form.Item>
        <Form.Item>
          <Checkbox
            id="filter-overdue"
            checked={overdue === 'true'}
            onChange={(e) => update({ overdue: e.target.checked ? 'true' : undefined })}
          >
            仅看有逾期环节
          </Checkbox>
        </Form.Item>
        <Form.Item label="状态">
          <Select
            id="filter-status"
            allowClear
            style={{ width: 140 }}
            placeholder="全部状态"
            value={status}
            onChange={(v?: string) => update({ status: v })}
            options={Object.entries(INSTANCE_STATUS).map(([value, s]) => ({ value, label: s.text }))}
          />
        </Form.Item>
        <Form.Item label="业务编号">
          <Input.Search
            id="filter-business-key"
            allowClear
            defaultValue={businessKey}
            placeholder="如报修单号"
            onSearch={(v) => update({ businessKey: v.trim() || undefined })}
          />
        </Form.Item>
      </Form>
      <Table<Instance>
        id="cases-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        onRow={(r) => ({ onClick: () => navigate(`/cases/${r.id}`), style: { cursor: 'pointer' } })}
        pagination={{
          current: pageNo,
          pageSize: 20,
          total: page?.total ?? 0,
          showTotal: (t) => `共 ${t} 件`,
          onChange: (p) => {
            const next = new URLSearchParams(search);
            next.set('page', String(p));
            setSearch(next);
          },
        }}
        columns={[
          { title: '流程', dataIndex: 'processId', render: (v: string) => names[v] ?? v },
          { title: '版本', dataIndex: 'definitionVersion', render: (v: number) => `v${v}` },
          { title: '业务编号', dataIndex: 'businessKey', render: (v: string | null) => v ?? '—' },
          {
            title: '状态',
            dataIndex: 'status',
            render: (v: string) => (
              <Tag color={INSTANCE_STATUS[v]?.color}>{INSTANCE_STATUS[v]?.text ?? v}</Tag>
            ),
          },
          { title: '发起时间', dataIndex: 'startedAt', render: formatTime },
          { title: '结束时间', dataIndex: 'endedAt', render: formatTime },
        ]}
      />
    </Card>
  );
}
