// 审计日志: who read personal data in full or changed something sensitive in the admin's area, when and why
// (GET /audit-logs, paged and scoped by the server). Filters live in the URL, like the other lists; the date
// range as the days picked (`from`/`to`, both inclusive, YYYY-MM-DD), sent to the server as the instants that
// bound them in the browser's zone (China time on the offices' machines): [first day 00:00, day after last 00:00).
import { useEffect, useRef, useState } from 'react';
import { App, Card, DatePicker, Empty, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useSearchParams } from 'react-router-dom';
import type { RoleName } from '@linli/contracts';
import { ApiError, api, errorText, type Page } from '../api';
import { ROLE_LABEL, useSession } from '../session';
import { AUDIT_ACTION, AUDIT_FIELD, AUDIT_TARGET } from '../labels';
import { ExportButton } from '../components/ExportButton';

/** contracts' AuditEntry (its zod schema is exported, but no inferred type) */
interface AuditEntry {
  id: string;
  at: string;
  actorUserId: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  fields: string[];
  reason: string | null;
  requestId: string | null;
}

/** the part of contracts' StaffUser the actor filter needs */
interface StaffUser {
  id: string;
  displayName: string;
  username: string | null;
}

const PAGE_SIZES = [20, 50, 100];
/** fields shown per row before "+N" (a list read can name dozens of cases) */
const MAX_FIELDS = 4;

const pad = (n: number) => String(n).padStart(2, '0');

// the picker's week and month names in Chinese (antd's zh_CN locale covers its own texts, not dayjs's)
dayjs.locale('zh-cn');

const DAY_FORMAT = 'YYYY-MM-DD';

/** a day from the URL, or undefined when it is not one */
function dayParam(value: string | null): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) && dayjs(value, DAY_FORMAT).isValid() ? value : undefined;
}

/** The instants bounding the days picked, for the API: from the first day's start to the next day's after the last. */
function rangeQuery(fromDay?: string, toDay?: string): { from?: string; to?: string } {
  return {
    from: fromDay ? dayjs(fromDay, DAY_FORMAT).startOf('day').format() : undefined,
    to: toDay ? dayjs(toDay, DAY_FORMAT).add(1, 'day').startOf('day').format() : undefined,
  };
}

const RANGE_PRESETS = (): { label: string; value: [Dayjs, Dayjs] }[] => {
  const today = dayjs().startOf('day');
  return [
    { label: '今天', value: [today, today] },
    { label: '昨天', value: [today.subtract(1, 'day'), today.subtract(1, 'day')] },
    { label: '最近7天', value: [today.subtract(6, 'day'), today] },
    { label: '最近30天', value: [today.subtract(29, 'day'), today] },
    { label: '本月', value: [today.startOf('month'), today] },
  ];
};

/** YYYY-MM-DD HH:mm:ss in the browser's time zone */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())}`;
}

/** A UUID is unreadable in a table: its first 8 characters, the whole value on hover. */
const short = (id: string) => (/^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? id.slice(0, 8) : id);

function fieldLabel(field: string): string {
  return AUDIT_FIELD[field] ?? ROLE_LABEL[field as RoleName] ?? short(field);
}

function Fields({ fields }: { fields: string[] }) {
  if (fields.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  const shown = fields.slice(0, MAX_FIELDS);
  return (
    <Space size={[0, 4]} wrap>
      {shown.map((f) => (
        <Tag key={f} title={f} color={f === 'idNumber' || f === 'phone' ? 'orange' : undefined}>
          {fieldLabel(f)}
        </Tag>
      ))}
      {fields.length > shown.length && <Tag>+{fields.length - shown.length}</Tag>}
    </Space>
  );
}

export function AuditPage() {
  const { message } = App.useApp();
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const [page, setPage] = useState<Page<AuditEntry> | null>(null);
  const [loading, setLoading] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const action = search.get('action') ?? undefined;
  const targetType = search.get('targetType') ?? undefined;
  const targetId = search.get('targetId') ?? undefined;
  const actorUserId = search.get('actorUserId') ?? undefined;
  // a hand-edited URL with the days the wrong way round is read the right way round
  const [fromDay, toDay] = ((a, b) => (a && b && a > b ? [b, a] : [a, b]))(
    dayParam(search.get('from')),
    dayParam(search.get('to')),
  );
  const { from, to } = rangeQuery(fromDay, toDay);
  const pageNo = Number(search.get('page')) || 1;
  const pageSize = PAGE_SIZES.includes(Number(search.get('pageSize'))) ? Number(search.get('pageSize')) : 20;
  const allowed = can('audit.read');

  useEffect(() => {
    if (!allowed) return;
    setLoading(true);
    api<Page<AuditEntry>>('/audit-logs', {
      query: { action, targetType, targetId, actorUserId, from, to, page: pageNo, pageSize },
    })
      .then((p) => {
        setPage(p);
        setRefused(null);
      })
      .catch((err) => {
        // `can` mirrors the server's table; if the server refuses anyway, say so instead of an empty list
        if (err instanceof ApiError && err.status === 403) setRefused(err.message);
        else message.error(errorText(err));
      })
      .finally(() => setLoading(false));
  }, [allowed, action, targetType, targetId, actorUserId, from, to, pageNo, pageSize, message]);

  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    next.delete('page');
    setSearch(next);
  };

  if (!allowed || refused) {
    return (
      <Card title="审计日志">
        <Empty className="audit-forbidden" description="此角色不能查看审计日志" />
      </Card>
    );
  }

  const filtered = Boolean(action || targetType || targetId || actorUserId || from || to);
  return (
    <Card
      title="审计日志"
      extra={
        <ExportButton<AuditEntry>
          title="审计日志"
          path="/audit-logs"
          query={{ action, targetType, targetId, actorUserId, from, to }}
          columns={[
            { header: '时间', value: (r) => localTime(r.at), width: 20 },
            { header: '操作人', value: (r) => r.actorName ?? r.actorUserId ?? '系统', width: 14 },
            { header: '操作', value: (r) => AUDIT_ACTION[r.action] ?? r.action, width: 16 },
            { header: '对象', value: (r) => AUDIT_TARGET[r.targetType] ?? r.targetType, width: 12 },
            { header: '对象编号', value: (r) => r.targetId, width: 38 },
            { header: '涉及字段', value: (r) => r.fields.map(fieldLabel).join('、'), width: 24 },
            { header: '事由', value: (r) => r.reason, width: 40 },
            { header: '请求编号', value: (r) => r.requestId, width: 38 },
          ]}
        />
      }
    >
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label="操作">
          <Select
            id="audit-action"
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 180 }}
            placeholder="全部操作"
            value={action}
            onChange={(v?: string) => update({ action: v })}
            options={Object.entries(AUDIT_ACTION).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item label="对象">
          <Select
            id="audit-target-type"
            allowClear
            style={{ width: 150 }}
            placeholder="全部对象"
            value={targetType}
            onChange={(v?: string) => update({ targetType: v })}
            options={Object.entries(AUDIT_TARGET).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item label="操作人">
          <ActorSelect value={actorUserId} onChange={(v) => update({ actorUserId: v })} />
        </Form.Item>
        <Form.Item label="时间">
          <span id="audit-range">
            <DatePicker.RangePicker
              allowEmpty={[true, true]}
              format={DAY_FORMAT}
              placeholder={['开始日期', '结束日期']}
              presets={RANGE_PRESETS()}
              value={[fromDay ? dayjs(fromDay, DAY_FORMAT) : null, toDay ? dayjs(toDay, DAY_FORMAT) : null]}
              onChange={(days) =>
                update({ from: days?.[0]?.format(DAY_FORMAT), to: days?.[1]?.format(DAY_FORMAT) })
              }
            />
          </span>
        </Form.Item>
        <Form.Item label="对象编号">
          <Input.Search
            key={targetId ?? ''}
            id="audit-target-id"
            allowClear
            defaultValue={targetId}
            placeholder="完整编号"
            style={{ width: 220 }}
            onSearch={(v) => update({ targetId: v.trim() || undefined })}
          />
        </Form.Item>
      </Form>
      <Table<AuditEntry>
        id="audit-table"
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{
          emptyText: (
            <Empty
              description={
                filtered
                  ? '没有符合条件的记录'
                  : '暂无记录。这里会列出辖区内谁在何时查看了完整的身份证号、手机号，新增、修改或导入了居民，以及其他敏感操作'
              }
            />
          ),
        }}
        pagination={{
          current: pageNo,
          pageSize,
          total: page?.total ?? 0,
          pageSizeOptions: PAGE_SIZES,
          showSizeChanger: true,
          showTotal: (t) => `共 ${t} 条`,
          onChange: (p, size) => {
            const next = new URLSearchParams(search);
            next.set('page', String(size !== pageSize ? 1 : p));
            next.set('pageSize', String(size));
            setSearch(next);
          },
        }}
        columns={[
          {
            title: '时间',
            dataIndex: 'at',
            width: 170,
            render: (v: string) => <span className="audit-time">{localTime(v)}</span>,
          },
          {
            title: '操作人',
            dataIndex: 'actorName',
            width: 110,
            render: (v: string | null, r) =>
              v ??
              (r.actorUserId ? (
                short(r.actorUserId)
              ) : (
                <Typography.Text type="secondary">系统</Typography.Text>
              )),
          },
          {
            title: '操作',
            dataIndex: 'action',
            width: 140,
            render: (v: string) => <span title={v}>{AUDIT_ACTION[v] ?? v}</span>,
          },
          {
            title: '对象',
            key: 'target',
            width: 170,
            render: (_: unknown, r) => (
              <span title={r.targetId ?? undefined}>
                {AUDIT_TARGET[r.targetType] ?? r.targetType}
                {r.targetId && (
                  <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
                    {short(r.targetId)}
                  </Typography.Text>
                )}
              </span>
            ),
          },
          {
            title: '涉及字段',
            dataIndex: 'fields',
            width: 200,
            render: (v: string[]) => <Fields fields={v} />,
          },
          {
            title: '事由',
            dataIndex: 'reason',
            ellipsis: true,
            render: (v: string | null) => (v ? <span title={v}>{v}</span> : '—'),
          },
          {
            title: '请求编号',
            dataIndex: 'requestId',
            width: 150,
            render: (v: string | null) =>
              v ? (
                <Typography.Text
                  className="audit-request-id"
                  type="secondary"
                  style={{ fontSize: 12 }}
                  copyable={{ text: v, tooltips: ['复制', '已复制'] }}
                  title={v}
                >
                  {short(v)}
                </Typography.Text>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </Card>
  );
}

/** Staff accounts in the caller's area (GET /users), searched by name on the server; free text if refused. */
function ActorSelect({ value, onChange }: { value?: string; onChange: (v?: string) => void }) {
  const [users, setUsers] = useState<StaffUser[]>([]);
  const [failed, setFailed] = useState(false);
  const latest = useRef(0);

  const load = (q?: string) => {
    const call = ++latest.current;
    api<Page<StaffUser>>('/users', { query: { q, pageSize: 50 } })
      .then((p) => {
        if (call === latest.current) setUsers(p.items);
      })
      .catch(() => setFailed(true));
  };
  useEffect(() => load(), []);

  if (failed) {
    return (
      <Input.Search
        key={value ?? ''}
        id="audit-actor"
        allowClear
        defaultValue={value}
        placeholder="操作人账号编号"
        style={{ width: 200 }}
        onSearch={(v) => onChange(v.trim() || undefined)}
      />
    );
  }
  const options = users.map((u) => ({
    value: u.id,
    label: u.username ? `${u.displayName}（${u.username}）` : u.displayName,
  }));
  // an actor from the URL who is not in the current answer still shows as something
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: short(value) });
  return (
    <Select
      id="audit-actor"
      allowClear
      showSearch
      filterOption={false}
      style={{ width: 200 }}
      placeholder="全部人员"
      value={value}
      onSearch={(q) => load(q.trim() || undefined)}
      onChange={(v?: string) => onChange(v)}
      onClear={() => load()}
      options={options}
      notFoundContent="没有匹配的人员"
    />
  );
}
