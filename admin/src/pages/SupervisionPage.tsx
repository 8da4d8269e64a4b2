// 督办: the open tasks of the admin's area that are past due (已超时) or due within 24 hours (即将到期), earliest
// due first (GET /tasks?view=all&due=…). Urge one or many (one POST /tasks/:id/urge per task, each reported),
// hand one over to a colleague (转办), or open the case. The list follows the area's tasks live: a task or case
// push over /ws (live.ts) refetches the current tab and page.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Card, Input, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import type { Definition, InstanceDetail, RoleName, Task, TaskEvent } from '@linli/contracts';
import { api, errorText, type Page } from '../api';
import { formatTime } from '../labels';
import { ROLE_LABEL } from '../session';
import { ExportButton } from '../components/ExportButton';
import { useLiveRefetch } from '../live';

type Due = 'overdue' | 'soon';

/** What GET /users answers per account (contracts StaffUser, which exports no type). */
interface StaffUser {
  id: string;
  displayName: string;
  status: 'active' | 'disabled';
  roles: { role: RoleName; orgUnitName?: string }[];
}

interface Row extends Task {
  businessKey: string | null;
  /** how many times it was urged (催办), from its events; null when they could not be read */
  urges: number | null;
}

/** Roles that work tasks: only they can be handed one (the server checks the case's area too). */
const WORKERS = new Set<RoleName>([
  'grid_worker',
  'property_staff',
  'technician',
  'community_admin',
  'street_admin',
  'district_admin',
]);

/** "3天2小时", "2小时5分钟", "12分钟": how long, to the minute, largest two units. */
function span(ms: number): string {
  const minutes = Math.max(1, Math.floor(Math.abs(ms) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days) return hours ? `${days}天${hours}小时` : `${days}天`;
  if (hours) return mins ? `${hours}小时${mins}分钟` : `${hours}小时`;
  return `${mins}分钟`;
}

function DueTag({ dueAt }: { dueAt: string | null }) {
  if (!dueAt) return <Tag>无期限</Tag>;
  const left = new Date(dueAt).getTime() - Date.now();
  return left < 0 ? (
    <Tag color="red" className="due-tag">
      已超时 {span(left)}
    </Tag>
  ) : (
    <Tag color="orange" className="due-tag">
      剩余 {span(left)}
    </Tag>
  );
}

interface UrgeResult {
  done: number;
  failures: { name: string; reason: string }[];
}

export function SupervisionPage() {
  const { message } = App.useApp();
  const [due, setDue] = useState<Due>('overdue');
  const [pageNo, setPageNo] = useState(1);
  const [page, setPage] = useState<Page<Row> | null>(null);
  const [loading, setLoading] = useState(false);
  const [processNames, setProcessNames] = useState<Record<string, string>>({});
  const [staff, setStaff] = useState<StaffUser[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [urging, setUrging] = useState<Row[] | null>(null);
  const [urgeText, setUrgeText] = useState('');
  const [urgeResult, setUrgeResult] = useState<UrgeResult | null>(null);
  const [transferring, setTransferring] = useState<Row | null>(null);
  const [transferTo, setTransferTo] = useState<string | undefined>();
  const [transferReason, setTransferReason] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<Page<Definition>>('/definitions', { query: { pageSize: 200 } })
      .then((p) =>
        setProcessNames(Object.fromEntries(p.items.map((d) => [d.processId, d.name ?? d.processId]))),
      )
      .catch(() => undefined);
    // the staff of the admin's area: names for assignees, and the people a task can be handed to
    api<Page<StaffUser>>('/users', { query: { pageSize: 200 } })
      .then((p) => setStaff(p.items))
      .catch(() => undefined);
  }, []);

  const latest = useRef(0);
  /** `quiet`: a live refetch replaces the rows in place, without the spinner; only the latest answer counts */
  const load = useCallback(
    async (quiet = false) => {
      const call = ++latest.current;
      if (!quiet) setLoading(true);
      try {
        const tasks = await api<Page<Task>>('/tasks', {
          query: { view: 'all', due, page: pageNo, pageSize: 20 },
        });
        // the task carries neither its case's business key nor its urges: read both per row (20 at most)
        const instanceIds = [...new Set(tasks.items.map((t) => t.instanceId))];
        const [instances, events] = await Promise.all([
          Promise.all(instanceIds.map((id) => api<InstanceDetail>(`/instances/${id}`).catch(() => null))),
          Promise.all(tasks.items.map((t) => api<TaskEvent[]>(`/tasks/${t.id}/events`).catch(() => null))),
        ]);
        const keys = new Map(instances.filter((i) => i).map((i) => [i!.id, i!.businessKey]));
        if (call !== latest.current) return; // a newer read is on its way
        // a task done or handed over meanwhile leaves the list, and the selection
        setSelected((ids) => ids.filter((id) => tasks.items.some((t) => t.id === id)));
        setPage({
          ...tasks,
          items: tasks.items.map((t, i) => ({
            ...t,
            businessKey: keys.get(t.instanceId) ?? null,
            urges: events[i] ? events[i].filter((e) => e.kind === 'urge').length : null,
          })),
        });
      } catch (err) {
        if (!quiet && call === latest.current) message.error(errorText(err));
      } finally {
        if (call === latest.current) setLoading(false);
      }
    },
    [due, pageNo, message],
  );

  useEffect(() => {
    void load();
  }, [load]);
  // a task of the area created, claimed, handed over or done (the step that completes it updates its case)
  useLiveRefetch(['task.created', 'task.updated', 'instance.updated'], () => void load(true));

  const names = useMemo(() => new Map(staff.map((u) => [u.id, u.displayName])), [staff]);
  const holder = (t: Task) => {
    if (t.assignee) return names.get(t.assignee) ?? '辖区外人员';
    const groups = t.candidateGroups.map((g) => ROLE_LABEL[g as RoleName] ?? g);
    const users = t.candidateUsers.map((u) => names.get(u) ?? '辖区外人员');
    const all = [...users, ...groups];
    return all.length ? `待签收：${all.join('、')}` : '—';
  };
  const stepName = (t: Task) => t.name ?? t.activityId;
  /** 导出 Excel: the tab's tasks with their case's business key, read ten cases at a time */
  const withBusinessKeys = async (tasks: Row[]): Promise<Row[]> => {
    const ids = [...new Set(tasks.map((t) => t.instanceId))];
    const keys = new Map<string, string | null>();
    for (let i = 0; i < ids.length; i += 10) {
      const batch = await Promise.all(
        ids.slice(i, i + 10).map((id) => api<InstanceDetail>(`/instances/${id}`).catch(() => null)),
      );
      for (const inst of batch) if (inst) keys.set(inst.id, inst.businessKey);
    }
    return tasks.map((t) => ({ ...t, businessKey: keys.get(t.instanceId) ?? null }));
  };

  const switchTab = (key: string) => {
    setDue(key as Due);
    setPageNo(1);
    setSelected([]);
    setUrgeResult(null);
  };

  const urge = async () => {
    if (!urging) return;
    setBusy(true);
    const text = urgeText.trim();
    const result: UrgeResult = { done: 0, failures: [] };
    // one call per task, so that one refusal does not stop the others and each is reported
    for (const t of urging) {
      try {
        await api(`/tasks/${t.id}/urge`, { body: text ? { message: text } : {} });
        result.done += 1;
      } catch (err) {
        result.failures.push({
          name: `${processNames[t.processId] ?? t.processId} · ${stepName(t)}`,
          reason: errorText(err),
        });
      }
    }
    setBusy(false);
    setUrging(null);
    setUrgeText('');
    setSelected([]);
    setUrgeResult(result);
    if (result.done) message.success(`已催办 ${result.done} 件`);
    if (result.failures.length) message.error(`${result.failures.length} 件催办失败`);
    await load();
  };

  const transfer = async () => {
    if (!transferring || !transferTo) return;
    setBusy(true);
    try {
      const reason = transferReason.trim();
      await api(`/tasks/${transferring.id}/transfer`, {
        body: { to: transferTo, ...(reason ? { reason } : {}) },
      });
      message.success(`已转办给 ${names.get(transferTo) ?? '所选人员'}`);
      setTransferring(null);
      setTransferTo(undefined);
      setTransferReason('');
      await load();
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const byId = new Map((page?.items ?? []).map((t) => [t.id, t]));
  const receivers = staff
    .filter((u) => u.status === 'active' && u.roles.some((g) => WORKERS.has(g.role)))
    .map((u) => ({
      value: u.id,
      label: `${u.displayName}（${[...new Set(u.roles.map((g) => ROLE_LABEL[g.role]))].join('、')}）`,
    }));

  const table = (
    <Table<Row>
      id="supervision-table"
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={page?.items ?? []}
      locale={{ emptyText: due === 'overdue' ? '没有超时的任务' : '24 小时内没有到期的任务' }}
      rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
      pagination={{
        current: pageNo,
        pageSize: 20,
        total: page?.total ?? 0,
        showSizeChanger: false,
        showTotal: (n) => `共 ${n} 件`,
        onChange: setPageNo,
      }}
      columns={[
        {
          title: '流程',
          dataIndex: 'processId',
          render: (v: string) => processNames[v] ?? v,
        },
        { title: '步骤', render: (_, t) => stepName(t) },
        {
          title: '案件编号',
          render: (_, t) => (
            <Link to={`/cases/${t.instanceId}`} className="case-link">
              {t.businessKey ?? '查看案件'}
            </Link>
          ),
        },
        { title: '办理人 / 候选', render: (_, t) => holder(t) },
        {
          title: '期限',
          dataIndex: 'dueAt',
          render: (v: string | null) => (
            <Space orientation="vertical" size={0}>
              <DueTag dueAt={v} />
              <Typography.Text type="secondary">{formatTime(v)}</Typography.Text>
            </Space>
          ),
        },
        {
          title: '已催办',
          dataIndex: 'urges',
          render: (v: number | null) => (v === null ? '—' : <span className="urge-count">{v} 次</span>),
        },
        {
          title: '操作',
          render: (_, t) => (
            <Space>
              <Button size="small" className="urge-one" onClick={() => setUrging([t])}>
                催办
              </Button>
              <Button size="small" className="transfer-one" onClick={() => setTransferring(t)}>
                转办
              </Button>
            </Space>
          ),
        },
      ]}
    />
  );

  return (
    <Card
      title="督办"
      extra={
        <Space>
          <ExportButton<Row>
            title={due === 'overdue' ? '督办-已逾期' : '督办-即将到期'}
            path="/tasks"
            query={{ view: 'all', due }}
            enrich={withBusinessKeys}
            columns={[
              { header: '流程', value: (t) => processNames[t.processId] ?? t.processId, width: 20 },
              { header: '步骤', value: stepName, width: 20 },
              { header: '案件编号', value: (t) => t.businessKey ?? t.instanceId, width: 24 },
              { header: '办理人 / 候选', value: holder, width: 30 },
              { header: '期限', value: (t) => formatTime(t.dueAt), width: 18 },
            ]}
          />
          <Button
            id="urge-selected"
            type="primary"
            disabled={!selected.length}
            onClick={() => setUrging(selected.map((id) => byId.get(id)).filter((t): t is Row => !!t))}
          >
            批量催办{selected.length ? `（${selected.length}）` : ''}
          </Button>
          <Button id="supervision-refresh" icon={<ReloadOutlined />} onClick={() => void load()}>
            刷新
          </Button>
        </Space>
      }
    >
      {urgeResult && (
        <Alert
          id="urge-result"
          style={{ marginBottom: 16 }}
          type={urgeResult.failures.length ? 'warning' : 'success'}
          showIcon
          closable
          onClose={() => setUrgeResult(null)}
          title={`已催办 ${urgeResult.done} 件${urgeResult.failures.length ? `，${urgeResult.failures.length} 件失败` : ''}`}
          description={
            urgeResult.failures.length ? (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {urgeResult.failures.map((f, i) => (
                  <li key={i}>
                    {f.name}：{f.reason}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
        />
      )}
      <Tabs
        id="supervision-tabs"
        activeKey={due}
        onChange={switchTab}
        items={[
          { key: 'overdue', label: '已超时', children: due === 'overdue' ? table : null },
          { key: 'soon', label: '即将到期（24小时内）', children: due === 'soon' ? table : null },
        ]}
      />
      <Modal
        title={urging && urging.length > 1 ? `批量催办 ${urging.length} 件` : '催办'}
        open={!!urging}
        okText="发送催办"
        cancelText="取消"
        okButtonProps={{ id: 'urge-confirm', loading: busy }}
        onOk={() => void urge()}
        onCancel={() => setUrging(null)}
      >
        <Typography.Paragraph>
          催办会提醒{urging && urging.length > 1 ? '每件任务的' : ''}办理人（未签收的提醒候选人）尽快处理。
          可附一句话（选填）：
        </Typography.Paragraph>
        <Input.TextArea
          id="urge-message"
          rows={3}
          maxLength={500}
          value={urgeText}
          onChange={(e) => setUrgeText(e.target.value)}
          placeholder="如：已超时，请今天内处理"
        />
      </Modal>
      <Modal
        title="转办"
        open={!!transferring}
        okText="确认转办"
        cancelText="取消"
        okButtonProps={{ id: 'transfer-confirm', disabled: !transferTo, loading: busy }}
        onOk={() => void transfer()}
        onCancel={() => setTransferring(null)}
      >
        {transferring && (
          <Typography.Paragraph>
            把“{processNames[transferring.processId] ?? transferring.processId} · {stepName(transferring)}
            ”转给：
          </Typography.Paragraph>
        )}
        <Select
          id="transfer-to"
          showSearch
          style={{ width: '100%', marginBottom: 12 }}
          placeholder="输入姓名查找"
          value={transferTo}
          onChange={setTransferTo}
          options={receivers}
          filterOption={(input, option) => (option?.label ?? '').includes(input.trim())}
        />
        <Input.TextArea
          id="transfer-reason"
          rows={2}
          maxLength={500}
          value={transferReason}
          onChange={(e) => setTransferReason(e.target.value)}
          placeholder="转办原因（选填）"
        />
        <Typography.Text type="secondary">只能转给在案件所在辖区办理任务的人员。</Typography.Text>
      </Modal>
    </Card>
  );
}
