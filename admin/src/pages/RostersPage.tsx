// 值班排班: two rosters, the tab and the community/grid in the URL.
// 维修值班: the technicians on duty for automatic repair dispatch in a community (`GET /repair-duty`), with the
// categories they do, 在岗 and their open jobs. Property staff keep it (the server's repairs manage): add one of
// their company's technicians (`GET /repair-duty/technicians` → `POST /repair-duty`), switch 在岗, remove
// (`DELETE /repair-duty/:id`); technicians and admins read it.
// 网格告警值班: who answers a grid's device alerts on which weekdays and shift, in escalation order
// (`GET /alert-duty`). Community admins (alerts manage) add a grid worker of the grid (`GET /users?role=grid_worker`
// → `POST /alert-duty`) and remove one (`DELETE /alert-duty/:id`); grid workers, property staff and admins read it.
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useSearchParams } from 'react-router-dom';
import type { AlertDutyEntry, DutyEntry, OrgUnit } from '@linli/contracts';
import { ApiError, api, type Page } from '../api';
import { useSession } from '../session';
import { useScopeUnits } from '../org-scope';
import { formatTime } from '../labels';

const CATEGORY: Record<string, string> = {
  water: '水',
  electricity: '电',
  door: '门窗',
  lift: '电梯',
  public_area: '公共区域',
  gas: '燃气',
  heating: '暖气',
  network: '网络',
  other: '其他',
};
/** What GET /users answers per account, the part this screen uses (contracts StaffUser exports no type). */
interface StaffUser {
  id: string;
  displayName: string;
  status: 'active' | 'disabled';
}

const WEEKDAY = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** The server's English messages for the rosters, in Chinese; others with the server's words after a Chinese line. */
function rosterError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const m = err.message;
  if (/is not a technician of your company/.test(m)) return '此人不是本物业公司在该社区的维修工';
  if (/is not a grid worker of this grid/.test(m)) return '此人不是该网格的网格员';
  if (/must be HH:MM/.test(m)) return '时段请按 时:分 填写，如 08:00';
  if (err.status === 403) return `没有权限（${m}）`;
  if (err.status === 404) return `未找到（${m}），请刷新后重试`;
  return `操作失败（${m}）`;
}

/** A select of the scope's units of one kind, its value kept in the URL under `key`. */
function useUnitChoice(kind: OrgUnit['kind'], key: string) {
  const { units, loading } = useScopeUnits();
  const [search, setSearch] = useSearchParams();
  const choices = useMemo(() => units.filter((u) => u.kind === kind), [units, kind]);
  const wanted = search.get(key);
  const current = choices.find((u) => u.id === wanted) ?? choices[0];
  const choose = (id: string) => {
    const next = new URLSearchParams(search);
    next.set(key, id);
    setSearch(next);
  };
  return { choices, current, choose, loading };
}

function RepairRoster() {
  const { message } = App.useApp();
  const { can } = useSession();
  const keep = can('repairDuty.keep');
  const { choices, current, choose, loading: unitsLoading } = useUnitChoice('community', 'community');
  const [rows, setRows] = useState<DutyEntry[]>([]);
  const [techs, setTechs] = useState<{ id: string; name: string; onRoster: boolean }[]>([]);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [pick, setPick] = useState<string | undefined>();
  const [categories, setCategories] = useState<string[]>([]);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    if (!current) return;
    setLoading(true);
    Promise.all([
      api<Page<DutyEntry>>('/repair-duty', { query: { communityId: current.id, pageSize: 200 } }),
      keep
        ? api<{ items: typeof techs }>('/repair-duty/technicians', { query: { communityId: current.id } })
        : Promise.resolve({ items: [] }),
    ])
      .then(([roster, candidates]) => {
        setRows(roster.items);
        setTechs(candidates.items);
        setFailed(null);
      })
      .catch((err) => setFailed(rosterError(err)))
      .finally(() => setLoading(false));
  }, [current, keep, reload]);

  const run = async (key: string, call: () => Promise<unknown>, done: string) => {
    setBusy(key);
    try {
      await call();
      message.success(done);
      setReload((n) => n + 1);
    } catch (err) {
      message.error(rosterError(err));
    } finally {
      setBusy(null);
    }
  };

  const add = () => {
    const tech = techs.find((t) => t.id === pick);
    if (!tech || !current) return;
    void run(
      'add',
      () =>
        api('/repair-duty', {
          body: { technicianId: tech.id, communityId: current.id, categories, onDuty: true },
        }),
      `已加入值班：${tech.name}`,
    ).then(() => {
      setPick(undefined);
      setCategories([]);
    });
  };

  if (!can('repairDuty.read'))
    return <Empty description="此角色不能查看维修值班表（物业、维修工和管理员可以查看）" />;
  if (!unitsLoading && !choices.length) return <Empty description="当前管辖范围内没有社区" />;
  const free = techs.filter((t) => !t.onRoster);

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">社区</Typography.Text>
        <Select
          id="repair-roster-community"
          style={{ minWidth: 200 }}
          loading={unitsLoading}
          value={current?.id}
          onChange={choose}
          options={choices.map((u) => ({ value: u.id, label: u.name }))}
        />
        <Typography.Text type="secondary">
          新报修自动派给在岗、负责该类别且未完成工单最少的维修工。
        </Typography.Text>
      </Space>
      {keep ? (
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            id="repair-roster-pick"
            style={{ width: 200 }}
            placeholder={free.length ? '选择维修工' : '已全部在值班表中'}
            value={pick}
            onChange={setPick}
            disabled={!free.length}
            options={free.map((t) => ({ value: t.id, label: t.name }))}
          />
          <Select
            id="repair-roster-categories"
            mode="multiple"
            allowClear
            style={{ minWidth: 240 }}
            placeholder="负责类别（不选为全部）"
            value={categories}
            onChange={setCategories}
            options={Object.entries(CATEGORY).map(([value, label]) => ({ value, label }))}
          />
          <Button
            id="repair-roster-add"
            type="primary"
            disabled={!pick}
            loading={busy === 'add'}
            onClick={add}
          >
            加入值班
          </Button>
        </Space>
      ) : (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message="维修值班表由物业公司安排，此处只能查看；维修工可在小程序中自己切换在岗。"
        />
      )}
      {failed && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          message="值班表加载失败"
          description={failed}
          action={<Button onClick={() => setReload((n) => n + 1)}>重试</Button>}
        />
      )}
      <Table<DutyEntry>
        id="repair-roster-table"
        rowKey="id"
        loading={loading || unitsLoading}
        dataSource={rows}
        pagination={false}
        locale={{
          emptyText: (
            <Empty
              description={
                keep ? '还没有人值班，新报修要由派单员手动派单；请从上方加入维修工' : '该社区还没有维修值班'
              }
            />
          ),
        }}
        columns={[
          {
            title: '维修工',
            dataIndex: ['technician', 'name'],
            width: 140,
            render: (v: string) => <span className="roster-name">{v || '（未知）'}</span>,
          },
          {
            title: '负责类别',
            dataIndex: 'categories',
            render: (v: string[]) =>
              v.length ? (
                v.map((c) => <Tag key={c}>{CATEGORY[c] ?? c}</Tag>)
              ) : (
                <Tag color="blue">全部类别</Tag>
              ),
          },
          {
            title: '小区',
            dataIndex: 'compoundIds',
            width: 120,
            render: (v: string[]) => (v.length ? `${v.length} 个小区` : '全部小区'),
          },
          {
            title: '在岗',
            dataIndex: 'onDuty',
            width: 100,
            render: (v: boolean, r) =>
              keep ? (
                <Switch
                  className="roster-on-duty"
                  checked={v}
                  loading={busy === `duty-${r.id}`}
                  checkedChildren="在岗"
                  unCheckedChildren="离岗"
                  onChange={(on) =>
                    void run(
                      `duty-${r.id}`,
                      () => api(`/repair-duty/${r.id}`, { method: 'PATCH', body: { onDuty: on } }),
                      on ? `${r.technician.name} 已在岗` : `${r.technician.name} 已离岗`,
                    )
                  }
                />
              ) : v ? (
                <Tag color="success">在岗</Tag>
              ) : (
                <Tag>离岗</Tag>
              ),
          },
          { title: '未完成工单', dataIndex: 'openJobs', width: 110, align: 'right' },
          { title: '更新时间', dataIndex: 'updatedAt', width: 170, render: (v: string) => formatTime(v) },
          ...(keep
            ? [
                {
                  title: '操作',
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, r: DutyEntry) => (
                    <Popconfirm
                      title={`把 ${r.technician.name} 移出值班表？`}
                      description="移出后不再自动派单给此人，已派的工单不变。"
                      okText="移出"
                      cancelText="取消"
                      okButtonProps={{ danger: true, id: 'repair-roster-remove-confirm' }}
                      onConfirm={() =>
                        run(
                          `remove-${r.id}`,
                          () => api(`/repair-duty/${r.id}`, { method: 'DELETE' }),
                          `已移出值班：${r.technician.name}`,
                        )
                      }
                    >
                      <Button
                        size="small"
                        danger
                        className="repair-roster-remove"
                        loading={busy === `remove-${r.id}`}
                      >
                        移出
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

function AlertRoster() {
  const { message } = App.useApp();
  const { can } = useSession();
  const manage = can('alertDuty.manage');
  const { choices, current, choose, loading: unitsLoading } = useUnitChoice('grid', 'grid');
  const [rows, setRows] = useState<AlertDutyEntry[]>([]);
  const [people, setPeople] = useState<StaffUser[]>([]);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [pick, setPick] = useState<string | undefined>();
  const [weekdays, setWeekdays] = useState<number[]>([1, 2, 3, 4, 5, 6, 7]);
  const [shift, setShift] = useState({ start: '00:00', end: '23:59' });
  const [order, setOrder] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    if (!current) return;
    setLoading(true);
    Promise.all([
      api<Page<AlertDutyEntry>>('/alert-duty', { query: { gridId: current.id, pageSize: 200 } }),
      manage
        ? api<Page<StaffUser>>('/users', {
            query: { role: 'grid_worker', orgUnitId: current.id, pageSize: 200 },
          })
        : Promise.resolve({ items: [] as StaffUser[] }),
    ])
      .then(([roster, staff]) => {
        setRows(roster.items);
        setPeople(staff.items.filter((u) => u.status === 'active'));
        setFailed(null);
      })
      .catch((err) => setFailed(rosterError(err)))
      .finally(() => setLoading(false));
  }, [current, manage, reload]);

  const run = async (key: string, call: () => Promise<unknown>, done: string) => {
    setBusy(key);
    try {
      await call();
      message.success(done);
      setReload((n) => n + 1);
      return true;
    } catch (err) {
      message.error(rosterError(err));
      return false;
    } finally {
      setBusy(null);
    }
  };

  if (!can('alertDuty.read'))
    return <Empty description="此角色不能查看网格告警值班表（网格员、物业和管理员可以查看）" />;
  if (!unitsLoading && !choices.length) return <Empty description="当前管辖范围内没有网格" />;
  const onRoster = new Set(rows.map((r) => r.user.id));
  const free = people.filter((u) => !onRoster.has(u.id));
  const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
  const shiftOk = HHMM.test(shift.start) && HHMM.test(shift.end);

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">网格</Typography.Text>
        <Select
          id="alert-roster-grid"
          style={{ minWidth: 200 }}
          loading={unitsLoading}
          value={current?.id}
          onChange={choose}
          options={choices.map((u) => ({ value: u.id, label: u.name }))}
        />
        <Typography.Text type="secondary">
          设备告警先通知当班人员（顺序小的先），无人当班时通知全体网格员。
        </Typography.Text>
      </Space>
      {manage ? (
        <Card size="small" style={{ marginBottom: 12 }} title="加入值班">
          <Space wrap>
            <Select
              id="alert-roster-pick"
              style={{ width: 180 }}
              placeholder={free.length ? '选择网格员' : '已全部在值班表中'}
              value={pick}
              onChange={setPick}
              disabled={!free.length}
              options={free.map((u) => ({ value: u.id, label: u.displayName }))}
            />
            <Checkbox.Group
              className="alert-roster-weekdays"
              value={weekdays}
              onChange={(v) => setWeekdays(v as number[])}
              options={WEEKDAY.map((label, i) => ({ value: i + 1, label }))}
            />
            <Space.Compact>
              <Input
                id="alert-roster-start"
                style={{ width: 80 }}
                value={shift.start}
                status={HHMM.test(shift.start) ? undefined : 'error'}
                onChange={(e) => setShift({ ...shift, start: e.target.value })}
              />
              <Input style={{ width: 36, pointerEvents: 'none' }} placeholder="至" disabled />
              <Input
                id="alert-roster-end"
                style={{ width: 80 }}
                value={shift.end}
                status={HHMM.test(shift.end) ? undefined : 'error'}
                onChange={(e) => setShift({ ...shift, end: e.target.value })}
              />
            </Space.Compact>
            <Space>
              <Typography.Text type="secondary">顺序</Typography.Text>
              <InputNumber
                id="alert-roster-order"
                min={0}
                max={99}
                precision={0}
                value={order}
                onChange={(v) => setOrder(v ?? 0)}
              />
            </Space>
            <Button
              id="alert-roster-add"
              type="primary"
              disabled={!pick || !weekdays.length || !shiftOk}
              loading={busy === 'add'}
              onClick={() => {
                const person = people.find((u) => u.id === pick);
                if (!person || !current) return;
                void run(
                  'add',
                  () =>
                    api('/alert-duty', {
                      body: {
                        gridId: current.id,
                        userId: person.id,
                        weekdays: [...weekdays].sort(),
                        shiftStart: shift.start,
                        shiftEnd: shift.end,
                        order,
                      },
                    }),
                  `已加入值班：${person.displayName}`,
                ).then((ok) => ok && setPick(undefined));
              }}
            >
              加入值班
            </Button>
          </Space>
          {!shiftOk && (
            <Typography.Paragraph type="danger" style={{ margin: '8px 0 0' }}>
              时段请按 时:分 填写，如 08:00 至 20:00（可跨午夜，如 22:00 至 08:00）。
            </Typography.Paragraph>
          )}
        </Card>
      ) : (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message="网格告警值班表由社区管理员安排，此处只能查看。"
        />
      )}
      {failed && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          message="值班表加载失败"
          description={failed}
          action={<Button onClick={() => setReload((n) => n + 1)}>重试</Button>}
        />
      )}
      <Table<AlertDutyEntry>
        id="alert-roster-table"
        rowKey="id"
        loading={loading || unitsLoading}
        dataSource={rows}
        pagination={false}
        locale={{
          emptyText: (
            <Empty
              description={
                manage ? '还没有人值班，告警会通知该网格全体网格员；请从上方加入' : '该网格还没有告警值班'
              }
            />
          ),
        }}
        columns={[
          { title: '顺序', dataIndex: 'order', width: 70 },
          {
            title: '姓名',
            dataIndex: ['user', 'name'],
            width: 140,
            render: (v: string) => <span className="roster-name">{v || '（未知）'}</span>,
          },
          {
            title: '值班日',
            dataIndex: 'weekdays',
            render: (v: number[]) => (v.length === 7 ? '每天' : v.map((d) => WEEKDAY[d - 1]).join('、')),
          },
          {
            title: '时段',
            key: 'shift',
            width: 140,
            render: (_: unknown, r) =>
              r.shiftStart === '00:00' && r.shiftEnd === '23:59'
                ? '全天'
                : `${r.shiftStart} 至 ${r.shiftEnd}`,
          },
          ...(manage
            ? [
                {
                  title: '操作',
                  key: 'actions',
                  width: 90,
                  render: (_: unknown, r: AlertDutyEntry) => (
                    <Popconfirm
                      title={`把 ${r.user.name} 移出值班表？`}
                      okText="移出"
                      cancelText="取消"
                      okButtonProps={{ danger: true, id: 'alert-roster-remove-confirm' }}
                      onConfirm={() =>
                        run(
                          `remove-${r.id}`,
                          () => api(`/alert-duty/${r.id}`, { method: 'DELETE' }),
                          `已移出值班：${r.user.name}`,
                        )
                      }
                    >
                      <Button
                        size="small"
                        danger
                        className="alert-roster-remove"
                        loading={busy === `remove-${r.id}`}
                      >
                        移出
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

export function RostersPage() {
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') === 'alert' ? 'alert' : 'repair';
  return (
    <Card title="值班排班">
      <Tabs
        id="rosters-tabs"
        activeKey={tab}
        onChange={(k) => setSearch(k === 'alert' ? { tab: 'alert' } : {})}
        items={[
          { key: 'repair', label: '维修值班', children: tab === 'repair' ? <RepairRoster /> : null },
          { key: 'alert', label: '网格告警值班', children: tab === 'alert' ? <AlertRoster /> : null },
        ]}
      />
    </Card>
  );
}
