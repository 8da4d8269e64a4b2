// 设备管理: the devices of the caller's area (GET /devices) with their online state and when they were last heard
// from; the area's online rate from the API's totals; community admins register a device at a place (小区 › 楼栋 ›
// 单元) and edit its name, spot, offline window or active flag (PATCH accepts only those: the place itself cannot
// be changed once registered). A second tab, 设备网关 (BridgesTab.tsx, community admins only: the server's devices
// manage), lists the area's device bridges, adds one and rotates its secret; the tab is in the URL (`?tab=bridges`).
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router-dom';
import type { Device } from '@linli/contracts';
import { ApiError, api, type Page } from '../api';
import { useSession } from '../session';
import { DEVICE_KIND, DEVICE_VENDOR, formatTime, timeAgo } from '../labels';
import { BridgesTab } from './BridgesTab';

const PAGE_SIZE = 20;

/** The address within the community (the province…community prefix is the same on every row). */
const local = (address: string) => address.replace(/^.*?社区(?=.)/, '');

interface Named {
  id: string;
  name: string;
  path?: string;
  gridId?: string;
}

/**
 * The server words its errors in English: the ones a device form can meet are put in Chinese here; any other is a
 * Chinese line with the server's own words after it.
 */
function deviceError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const m = err.message;
  let found: RegExpExecArray | null;
  if ((found = /^A device with code (.+) exists already$/.exec(m))) return `设备编号 ${found[1]} 已被使用`;
  if (/^Say where the device is/.test(m)) return '请选择设备所在的小区、楼栋或单元';
  if (/is not a grid of the compound's community/.test(m)) return '所选网格不属于该小区所在社区';
  if (/^You may register devices only in your own area/.test(m)) return '只能在本辖区内登记设备';
  if (err.status === 403) return `没有权限（${m}）`;
  if (err.status === 404) return `设备或地址不存在（${m}）`;
  return `操作失败（${m}）`;
}

function OnlineTag({ d }: { d: Device }) {
  return (
    <Space size={4} className="device-state">
      {d.online ? <Tag color="success">在线</Tag> : <Tag color="default">离线</Tag>}
      <Typography.Text type="secondary" title={formatTime(d.lastSeenAt)}>
        {d.lastSeenAt ? `最后上线 ${timeAgo(d.lastSeenAt)}` : '从未上线'}
      </Typography.Text>
    </Space>
  );
}

export function DevicesPage() {
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const mayBridges = can('bridges.manage');
  const tab = search.get('tab') === 'bridges' && mayBridges ? 'bridges' : 'devices';

  if (!can('devices.read')) {
    return (
      <Card title="设备管理">
        <Empty description="此角色不能查看设备" />
      </Card>
    );
  }
  return (
    <Card title="设备管理">
      {mayBridges && (
        <Tabs
          id="devices-tabs"
          activeKey={tab}
          onChange={(k) => setSearch(k === 'bridges' ? { tab: 'bridges' } : {})}
          items={[
            { key: 'devices', label: '设备' },
            { key: 'bridges', label: '设备网关' },
          ]}
        />
      )}
      {tab === 'bridges' ? <BridgesTab /> : <DeviceList />}
    </Card>
  );
}

function DeviceList() {
  const { message } = App.useApp();
  const { can, user, scope } = useSession();
  const [search, setSearch] = useSearchParams();
  const [page, setPage] = useState<Page<Device> | null>(null);
  const [rate, setRate] = useState<{ total: number; online: number } | null>(null);
  const [grids, setGrids] = useState<Named[]>([]);
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState<Device | 'new' | null>(null);
  const [reload, setReload] = useState(0);
  const online = search.get('online') ?? undefined;
  const gridId = search.get('grid') ?? undefined;
  const pageNo = Number(search.get('page')) || 1;
  const orgUnitId = user?.roles[scope]?.orgUnitId;

  useEffect(() => {
    if (!can('devices.read') || !orgUnitId) return;
    // org units are readable by everyone: keep the grids inside the scope being looked at
    api<Page<Named & { path: string }>>('/org-units', { query: { kind: 'grid', pageSize: 200 } })
      .then((r) => setGrids(r.items.filter((g) => g.path.includes(`/${orgUnitId}/`))))
      .catch(() => setGrids([]));
  }, [can, orgUnitId]);

  useEffect(() => {
    if (!can('devices.read')) return;
    setLoading(true);
    api<Page<Device>>('/devices', { query: { online, gridId, page: pageNo, pageSize: PAGE_SIZE } })
      .then(setPage)
      .catch((err) => message.error(deviceError(err)))
      .finally(() => setLoading(false));
    // the online rate of the whole area (or grid), from the API's totals rather than this page
    Promise.all([
      api<Page<Device>>('/devices', { query: { gridId, pageSize: 1 } }),
      api<Page<Device>>('/devices', { query: { gridId, online: 'true', pageSize: 1 } }),
    ])
      .then(([all, on]) => setRate({ total: all.total, online: on.total }))
      .catch(() => setRate(null));
  }, [online, gridId, pageNo, message, can, reload]);

  const gridName = useMemo(() => new Map(grids.map((g) => [g.id, g.name])), [grids]);

  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    next.delete('page');
    setSearch(next);
  };

  return (
    <>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start' }}>
        <Space size="large" style={{ marginBottom: 16 }} id="device-summary">
          <Statistic title={gridId ? '本网格设备' : '辖区设备'} value={rate?.total ?? '—'} suffix="台" />
          <Statistic title="在线" value={rate?.online ?? '—'} suffix="台" />
          <Statistic title="离线" value={rate ? rate.total - rate.online : '—'} suffix="台" />
          <Statistic
            title="在线率"
            value={rate && rate.total > 0 ? ((rate.online / rate.total) * 100).toFixed(1) : '—'}
            suffix={rate && rate.total > 0 ? '%' : undefined}
          />
        </Space>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)}>
            刷新
          </Button>
          {can('devices.manage') && (
            <Button id="device-add" type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新增设备
            </Button>
          )}
        </Space>
      </div>
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label="状态">
          <Select
            id="devices-online"
            allowClear
            style={{ width: 120 }}
            placeholder="全部"
            value={online}
            onChange={(v?: string) => update({ online: v })}
            options={[
              { value: 'true', label: '在线' },
              { value: 'false', label: '离线' },
            ]}
          />
        </Form.Item>
        <Form.Item label="网格">
          <Select
            id="devices-grid"
            allowClear
            style={{ width: 180 }}
            placeholder="全部网格"
            value={gridId}
            onChange={(v?: string) => update({ grid: v })}
            options={grids.map((g) => ({ value: g.id, label: g.name }))}
          />
        </Form.Item>
      </Form>
      <Table<Device>
        id="devices-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{ emptyText: <Empty description="没有符合条件的设备" /> }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 台`,
          onChange: (p) => {
            const next = new URLSearchParams(search);
            next.set('page', String(p));
            setSearch(next);
          },
        }}
        columns={[
          {
            title: '名称',
            dataIndex: 'name',
            width: 180,
            render: (v: string, d: Device) => (
              <Space size={4}>
                <span>{v}</span>
                {!d.active && <Tag>已停用</Tag>}
              </Space>
            ),
          },
          { title: '编号', dataIndex: 'code', width: 160 },
          { title: '类型', dataIndex: 'kind', width: 90, render: (v: string) => DEVICE_KIND[v] ?? v },
          { title: '厂商', dataIndex: 'vendor', width: 90, render: (v: string) => DEVICE_VENDOR[v] ?? v },
          {
            title: '位置',
            dataIndex: 'location',
            ellipsis: true,
            render: (v: string) => <span title={v}>{local(v)}</span>,
          },
          {
            title: '网格',
            dataIndex: 'gridId',
            width: 110,
            render: (v: string | null) => (v ? (gridName.get(v) ?? '—') : '社区直管'),
          },
          {
            title: '状态',
            key: 'online',
            width: 210,
            render: (_: unknown, d: Device) => <OnlineTag d={d} />,
          },
          ...(can('devices.manage')
            ? [
                {
                  title: '操作',
                  key: 'edit',
                  width: 80,
                  render: (_: unknown, d: Device) => (
                    <Button size="small" className="device-edit" onClick={() => setEditing(d)}>
                      编辑
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <DeviceDrawer
        editing={editing}
        communityId={orgUnitId}
        grids={grids}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          setReload((n) => n + 1);
        }}
      />
    </>
  );
}

interface FormValues {
  code?: string;
  name?: string;
  vendor?: string;
  kind?: string;
  compoundId?: string;
  buildingId?: string;
  unitId?: string;
  gridId?: string;
  spot?: string;
  offlineMinutes?: number;
  active?: boolean;
}

function DeviceDrawer({
  editing,
  communityId,
  grids,
  onClose,
  onSaved,
}: {
  editing: Device | 'new' | null;
  communityId: string | undefined;
  grids: Named[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [compounds, setCompounds] = useState<Named[]>([]);
  const [buildings, setBuildings] = useState<Named[]>([]);
  const [units, setUnits] = useState<Named[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isNew = editing === 'new';
  const device = editing && editing !== 'new' ? editing : null;
  const compoundId = Form.useWatch('compoundId', form);
  const buildingId = Form.useWatch('buildingId', form);

  useEffect(() => {
    setError(null);
    if (!editing) return;
    form.resetFields();
    if (device) {
      // the API does not give back the spot on its own (it is folded into location) nor the offline window
      const spot = /（(.+)）$/.exec(device.location)?.[1];
      form.setFieldsValue({ name: device.name, spot, active: device.active });
    } else {
      form.setFieldsValue({ vendor: 'hikvision', kind: 'camera', offlineMinutes: 10 });
      api<Page<Named>>('/compounds', { query: { communityId, pageSize: 200 } })
        .then((r) => setCompounds(r.items))
        .catch(() => setCompounds([]));
    }
  }, [editing, device, communityId, form]);

  const list = useCallback(
    (path: string, query: Record<string, string>, set: (v: Named[]) => void) =>
      api<Page<Named>>(path, { query: { ...query, pageSize: 200 } })
        .then((r) => set(r.items))
        .catch(() => set([])),
    [],
  );
  useEffect(() => {
    setBuildings([]);
    if (compoundId) void list('/buildings', { compoundId }, setBuildings);
  }, [compoundId, list]);
  useEffect(() => {
    setUnits([]);
    if (buildingId) void list('/units', { buildingId }, setUnits);
  }, [buildingId, list]);

  const save = async () => {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      if (device) {
        await api(`/devices/${device.id}`, {
          method: 'PATCH',
          body: {
            name: v.name?.trim(),
            spot: v.spot?.trim() ? v.spot.trim() : null,
            ...(v.offlineMinutes ? { offlineAfterSeconds: v.offlineMinutes * 60 } : {}),
            active: v.active,
          },
        });
        message.success('已保存');
      } else {
        // the most specific place chosen: the server derives the rest (grid, community) from it
        const place = v.unitId
          ? { unitId: v.unitId }
          : v.buildingId
            ? { buildingId: v.buildingId }
            : { compoundId: v.compoundId, ...(v.gridId ? { gridId: v.gridId } : {}) };
        await api('/devices', {
          body: {
            code: v.code?.trim(),
            name: v.name?.trim(),
            vendor: v.vendor,
            kind: v.kind,
            ...place,
            ...(v.spot?.trim() ? { spot: v.spot.trim() } : {}),
            offlineAfterSeconds: (v.offlineMinutes ?? 10) * 60,
          },
        });
        message.success('设备已登记');
      }
      onSaved();
    } catch (err) {
      setError(deviceError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      id="device-drawer"
      open={editing !== null}
      onClose={onClose}
      size={520}
      title={isNew ? '新增设备' : `编辑设备 · ${device?.name ?? ''}`}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button id="device-save" type="primary" loading={saving} onClick={() => void save()}>
            保存
          </Button>
        </Space>
      }
    >
      {error && (
        <Typography.Paragraph id="device-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      {device && (
        <Descriptions
          size="small"
          column={1}
          bordered
          style={{ marginBottom: 16 }}
          items={[
            { key: 'code', label: '编号', children: device.code },
            {
              key: 'kind',
              label: '类型',
              children: `${DEVICE_KIND[device.kind] ?? device.kind} · ${DEVICE_VENDOR[device.vendor] ?? device.vendor}`,
            },
            { key: 'location', label: '位置', children: device.location },
          ]}
        />
      )}
      <Form form={form} layout="vertical" requiredMark>
        {isNew && (
          <>
            <Form.Item
              name="code"
              label="设备编号"
              extra="与设备网关配置中的编号一致：字母、数字或 _ . : -，最多 64 位"
              rules={[
                { required: true, message: '请填写设备编号' },
                {
                  pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/,
                  message: '只能用字母、数字或 _ . : -，最多 64 位',
                },
              ]}
            >
              <Input id="device-code" maxLength={64} />
            </Form.Item>
            <Space>
              <Form.Item name="kind" label="类型" rules={[{ required: true }]}>
                <Select
                  id="device-kind"
                  style={{ width: 150 }}
                  options={Object.entries(DEVICE_KIND).map(([value, label]) => ({ value, label }))}
                />
              </Form.Item>
              <Form.Item name="vendor" label="厂商" rules={[{ required: true }]}>
                <Select
                  id="device-vendor"
                  style={{ width: 150 }}
                  options={Object.entries(DEVICE_VENDOR).map(([value, label]) => ({ value, label }))}
                />
              </Form.Item>
            </Space>
          </>
        )}
        <Form.Item
          name="name"
          label="名称"
          rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
        >
          <Input id="device-name" maxLength={100} placeholder="如：1号楼1单元门禁" />
        </Form.Item>
        {isNew && (
          <>
            <Form.Item name="compoundId" label="小区" rules={[{ required: true, message: '请选择小区' }]}>
              <Select
                id="device-compound"
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="选择小区"
                options={compounds.map((c) => ({ value: c.id, label: c.name }))}
                onChange={() => form.setFieldsValue({ buildingId: undefined, unitId: undefined })}
              />
            </Form.Item>
            <Form.Item name="buildingId" label="楼栋" extra="不选则装在小区（如大门）">
              <Select
                id="device-building"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="选择楼栋"
                disabled={!compoundId}
                options={buildings.map((b) => ({ value: b.id, label: b.name }))}
                onChange={() => form.setFieldsValue({ unitId: undefined })}
              />
            </Form.Item>
            <Form.Item name="unitId" label="单元">
              <Select
                id="device-unit"
                allowClear
                placeholder="选择单元"
                disabled={!buildingId}
                options={units.map((u) => ({ value: u.id, label: u.name }))}
              />
            </Form.Item>
            {!buildingId && (
              <Form.Item name="gridId" label="负责网格" extra="装在小区层面的设备，由哪个网格处理其告警">
                <Select
                  id="device-grid"
                  allowClear
                  placeholder="社区直管"
                  options={grids.map((g) => ({ value: g.id, label: g.name }))}
                />
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="spot" label="安装点位" extra="位置内的具体点位，如 2号门、电梯轿厢">
          <Input id="device-spot" maxLength={100} allowClear />
        </Form.Item>
        <Form.Item
          name="offlineMinutes"
          label="离线判定（分钟）"
          extra={
            isNew
              ? '超过此时长没有心跳即判为离线'
              : '不填则保持原设置（接口不返回当前值）；超过此时长没有心跳即判为离线'
          }
        >
          <InputNumber id="device-offline" min={1} max={7 * 24 * 60} precision={0} style={{ width: 150 }} />
        </Form.Item>
        {device && (
          <Form.Item name="active" label="启用" valuePropName="checked">
            <Switch id="device-active" checkedChildren="启用" unCheckedChildren="停用" />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
