// 单位与车辆: two tabs (the tab, filters and page in the URL).
// - 单位: the organisations of the area (GET /organisations: shops, companies, social organisations…) with a kind
//   filter and a name search; the contact phone as the server gives it (masked). Community admins register one at
//   community level (POST /organisations); admins and grid workers edit (PATCH; a blank phone keeps the old one).
// - 车辆: the vehicles of the area (GET /vehicles) found by plate; the owner's name shown masked (the API gives it
//   in full). Community admins, grid workers and property staff register a vehicle (POST /vehicles, the owner
//   picked by name from 居民管理's list) and edit its kind, owner, brand and colour (the plate cannot change).
import { useEffect, useState } from 'react';
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
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router-dom';
import type { Resident } from '@linli/contracts';
import { ApiError, api, type Page } from '../api';
import { useSession } from '../session';
import { ORGANISATION_KIND, VEHICLE_KIND } from '../labels';
import { problemsOf, problemText, scopeCommunityId, useScopeUnits } from '../org-scope';

const PAGE_SIZE = 20;
/** The address within the community (the province…community prefix is the same on every row). */
const local = (address: string) => address.replace(/^.*?社区(?=.)/, '');

interface Organisation {
  id: string;
  communityId: string;
  name: string;
  kind: string;
  creditCode: string | null;
  legalRepresentative: string | null;
  contactName: string | null;
  contactPhone: string | null;
  roomId: string | null;
  address: string | null;
  employees: number | null;
}
interface Vehicle {
  id: string;
  communityId: string;
  plate: string;
  kind: string;
  ownerResidentId: string | null;
  ownerName: string | null;
  brand: string | null;
  color: string | null;
}

/** The plate rule of the server (contracts PlateNumber), on the upper-cased value. */
const PLATE = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-HJ-NP-Z0-9]{5,6}$/;
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** 张三丰 → 张**: an owner's name on a list (the surname only). */
export function maskName(name: string | null): string {
  if (!name) return '—';
  return name.length <= 1 ? name : `${name[0]}${'*'.repeat(Math.min(name.length - 1, 2))}`;
}

const FIELD_NAME: Record<string, string> = {
  name: '名称',
  kind: '类型',
  creditCode: '统一社会信用代码',
  legalRepresentative: '法定代表人',
  contactName: '联系人',
  contactPhone: '联系电话',
  address: '地址',
  employees: '从业人数',
  plate: '车牌号',
  ownerResidentId: '车主',
  brand: '品牌',
  color: '颜色',
};

function dataError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const problems = problemsOf(err.details);
  if (err.status === 400 && problems.length > 0)
    return problems.map((p) => `${FIELD_NAME[p.path] ?? p.path}：${problemText(p.message)}`).join('；');
  if (/^The owner is registered in another community/.test(err.message)) return '车主不是本社区登记的居民';
  if (/^The room is not in this community/.test(err.message)) return '所选房屋不在本社区';
  if (err.status === 409) return `已存在（${err.message}）`;
  if (err.status === 403) return `没有权限（${err.message}）`;
  if (err.status === 404) return `记录不存在（${err.message}）`;
  return `操作失败（${err.message}）`;
}

export function OrganisationsPage() {
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const readOrgs = can('organisations.read');
  const readVehicles = can('vehicles.read');
  const tab = search.get('tab') === 'vehicles' || !readOrgs ? 'vehicles' : 'organisations';

  if (!readOrgs && !readVehicles) {
    return (
      <Card title="单位与车辆">
        <Empty description="此角色不能查看单位与车辆" />
      </Card>
    );
  }
  return (
    <Card title="单位与车辆">
      <Tabs
        id="data-tabs"
        activeKey={tab}
        onChange={(k) => setSearch(k === 'vehicles' ? { tab: 'vehicles' } : {})}
        items={[
          ...(readOrgs ? [{ key: 'organisations', label: '单位' }] : []),
          ...(readVehicles ? [{ key: 'vehicles', label: '车辆' }] : []),
        ]}
      />
      {tab === 'organisations' ? <OrganisationsTab /> : <VehiclesTab />}
    </Card>
  );
}

function useFilters() {
  const [search, setSearch] = useSearchParams();
  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    next.delete('page');
    setSearch(next);
  };
  const setPageNo = (p: number) => {
    const next = new URLSearchParams(search);
    next.set('page', String(p));
    setSearch(next);
  };
  return { search, update, setPageNo, pageNo: Number(search.get('page')) || 1 };
}

function OrganisationsTab() {
  const { message } = App.useApp();
  const { user, scope, can } = useSession();
  const { byId } = useScopeUnits();
  const { search, update, setPageNo, pageNo } = useFilters();
  const [page, setPage] = useState<Page<Organisation> | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<Organisation | 'new' | null>(null);
  const kind = search.get('kind') ?? undefined;
  const q = search.get('q') ?? undefined;
  const mayCreate = can('organisations.create');
  const mayUpdate = can('organisations.update');
  const communityId = scopeCommunityId(user, scope, byId);

  useEffect(() => {
    setLoading(true);
    api<Page<Organisation>>('/organisations', { query: { kind, q, page: pageNo, pageSize: PAGE_SIZE } })
      .then(setPage)
      .catch((err) => message.error(dataError(err)))
      .finally(() => setLoading(false));
  }, [kind, q, pageNo, reload, message]);

  return (
    <>
      <Space style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Form layout="inline">
          <Form.Item label="名称">
            <Input.Search
              key={q ?? ''}
              id="orgs-search"
              allowClear
              defaultValue={q}
              placeholder="输入单位名称查找"
              style={{ width: 220 }}
              onSearch={(v) => update({ q: v.trim() || undefined })}
            />
          </Form.Item>
          <Form.Item label="类型">
            <Select
              id="orgs-kind"
              allowClear
              style={{ width: 160 }}
              placeholder="全部类型"
              value={kind}
              onChange={(v?: string) => update({ kind: v })}
              options={Object.entries(ORGANISATION_KIND).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
        </Form>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)}>
            刷新
          </Button>
          {mayCreate && (
            <Button
              id="org-add"
              type="primary"
              icon={<PlusOutlined />}
              disabled={!communityId}
              onClick={() => setEditing('new')}
            >
              新增单位
            </Button>
          )}
        </Space>
      </Space>
      <Table<Organisation>
        id="orgs-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{
          emptyText: <Empty description={kind || q ? '没有符合条件的单位' : '辖区内还没有登记单位'} />,
        }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 家`,
          onChange: setPageNo,
        }}
        columns={[
          { title: '名称', dataIndex: 'name', width: 200 },
          {
            title: '类型',
            dataIndex: 'kind',
            width: 120,
            render: (v: string) => <Tag>{ORGANISATION_KIND[v] ?? v}</Tag>,
          },
          { title: '联系人', dataIndex: 'contactName', width: 100, render: (v: string | null) => v ?? '—' },
          {
            title: '联系电话',
            dataIndex: 'contactPhone',
            width: 130,
            render: (v: string | null) => v ?? '—',
          },
          {
            title: '地址',
            dataIndex: 'address',
            ellipsis: true,
            render: (v: string | null) => <span title={v ?? undefined}>{v ? local(v) : '—'}</span>,
          },
          { title: '从业人数', dataIndex: 'employees', width: 90, render: (v: number | null) => v ?? '—' },
          ...(mayUpdate
            ? [
                {
                  title: '操作',
                  key: 'edit',
                  width: 80,
                  render: (_: unknown, o: Organisation) => (
                    <Button size="small" className="org-edit" onClick={() => setEditing(o)}>
                      编辑
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <OrganisationDrawer
        editing={editing}
        communityId={communityId}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          setReload((n) => n + 1);
        }}
      />
    </>
  );
}

interface OrgValues {
  name: string;
  kind: string;
  creditCode?: string;
  legalRepresentative?: string;
  contactName?: string;
  contactPhone?: string;
  address?: string;
  employees?: number | null;
}

function OrganisationDrawer({
  editing,
  communityId,
  onClose,
  onSaved,
}: {
  editing: Organisation | 'new' | null;
  communityId: string | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<OrgValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = editing && editing !== 'new' ? editing : null;

  useEffect(() => {
    setError(null);
    if (!editing) return;
    form.resetFields();
    if (current)
      form.setFieldsValue({
        name: current.name,
        kind: current.kind,
        creditCode: current.creditCode ?? undefined,
        legalRepresentative: current.legalRepresentative ?? undefined,
        contactName: current.contactName ?? undefined,
        address: current.address ?? undefined,
        employees: current.employees,
      });
    else form.setFieldsValue({ kind: 'shop' });
  }, [editing, current, form]);

  const save = async () => {
    let v: OrgValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    // only what was filled in: the API takes absent fields as "keep"
    const body: Record<string, unknown> = { name: v.name.trim(), kind: v.kind };
    for (const k of [
      'creditCode',
      'legalRepresentative',
      'contactName',
      'contactPhone',
      'address',
    ] as const) {
      const value = v[k]?.trim();
      if (value) body[k] = k === 'creditCode' ? value.toUpperCase() : value;
    }
    if (typeof v.employees === 'number') body.employees = v.employees;
    setSaving(true);
    setError(null);
    try {
      if (current) await api(`/organisations/${current.id}`, { method: 'PATCH', body });
      else await api('/organisations', { body: { communityId, ...body } });
      message.success(current ? '已保存' : `已登记单位：${v.name.trim()}`);
      onSaved();
    } catch (err) {
      setError(dataError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      id="org-drawer"
      open={editing !== null}
      onClose={onClose}
      size={520}
      title={current ? `编辑单位 · ${current.name}` : '新增单位'}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button id="org-drawer-save" type="primary" loading={saving} onClick={() => void save()}>
            保存
          </Button>
        </Space>
      }
    >
      {error && (
        <Typography.Paragraph id="org-drawer-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item
          name="name"
          label="名称"
          rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
        >
          <Input id="org-name-input" maxLength={100} placeholder="如：便民超市" />
        </Form.Item>
        <Form.Item name="kind" label="类型" rules={[{ required: true, message: '请选择类型' }]}>
          <Select
            id="org-kind"
            options={Object.entries(ORGANISATION_KIND).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item
          name="creditCode"
          label="统一社会信用代码"
          rules={[
            {
              validator: (_, v: string | undefined) =>
                !v?.trim() || CREDIT_CODE.test(v.trim().toUpperCase())
                  ? Promise.resolve()
                  : Promise.reject(new Error('不是有效的 18 位统一社会信用代码')),
            },
          ]}
        >
          <Input id="org-credit" maxLength={18} />
        </Form.Item>
        <Space>
          <Form.Item name="legalRepresentative" label="法定代表人">
            <Input id="org-legal" maxLength={50} />
          </Form.Item>
          <Form.Item name="contactName" label="联系人">
            <Input id="org-contact" maxLength={50} />
          </Form.Item>
        </Space>
        <Form.Item
          name="contactPhone"
          label="联系电话"
          extra={
            current?.contactPhone
              ? `当前：${current.contactPhone}；不填则保持不变`
              : '11 位手机号，保存后打码显示'
          }
          rules={[{ pattern: /^1[3-9]\d{9}$/, message: '须为 11 位大陆手机号' }]}
        >
          <Input id="org-phone" maxLength={11} />
        </Form.Item>
        <Form.Item name="address" label="地址" extra="不在某个房屋内的单位填写地址">
          <Input id="org-address" maxLength={200} />
        </Form.Item>
        <Form.Item name="employees" label="从业人数">
          <InputNumber id="org-employees" min={0} max={1_000_000} precision={0} style={{ width: 150 }} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function VehiclesTab() {
  const { message } = App.useApp();
  const { user, scope, can } = useSession();
  const { byId } = useScopeUnits();
  const { search, update, setPageNo, pageNo } = useFilters();
  const [page, setPage] = useState<Page<Vehicle> | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<Vehicle | 'new' | null>(null);
  const plate = search.get('plate') ?? undefined;
  const kind = search.get('kind') ?? undefined;
  const manage = can('vehicles.manage');
  const communityId = scopeCommunityId(user, scope, byId);
  // a grid worker's scope is a grid: a vehicle without an owner would sit at community level, outside it
  const ownerRequired = user?.roles[scope]?.role === 'grid_worker';

  useEffect(() => {
    setLoading(true);
    api<Page<Vehicle>>('/vehicles', { query: { plate, kind, page: pageNo, pageSize: PAGE_SIZE } })
      .then(setPage)
      .catch((err) => message.error(dataError(err)))
      .finally(() => setLoading(false));
  }, [plate, kind, pageNo, reload, message]);

  return (
    <>
      <Space style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Form layout="inline">
          <Form.Item label="车牌号">
            <Input.Search
              key={plate ?? ''}
              id="vehicles-search"
              allowClear
              defaultValue={plate}
              placeholder="输入车牌号（可只输部分）"
              style={{ width: 240 }}
              onSearch={(v) => update({ plate: v.trim().toUpperCase() || undefined })}
            />
          </Form.Item>
          <Form.Item label="类型">
            <Select
              id="vehicles-kind"
              allowClear
              style={{ width: 140 }}
              placeholder="全部类型"
              value={kind}
              onChange={(v?: string) => update({ kind: v })}
              options={Object.entries(VEHICLE_KIND).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
        </Form>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)}>
            刷新
          </Button>
          {manage && (
            <Button
              id="vehicle-add"
              type="primary"
              icon={<PlusOutlined />}
              disabled={!communityId}
              onClick={() => setEditing('new')}
            >
              登记车辆
            </Button>
          )}
        </Space>
      </Space>
      <Table<Vehicle>
        id="vehicles-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{
          emptyText: (
            <Empty
              description={plate || kind ? '没有符合条件的车辆，请核对车牌号' : '辖区内还没有登记车辆'}
            />
          ),
        }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 辆`,
          onChange: setPageNo,
        }}
        columns={[
          {
            title: '车牌号',
            dataIndex: 'plate',
            width: 130,
            render: (v: string) => <Tag color="blue">{v}</Tag>,
          },
          { title: '类型', dataIndex: 'kind', width: 110, render: (v: string) => VEHICLE_KIND[v] ?? v },
          {
            title: '车主',
            dataIndex: 'ownerName',
            width: 100,
            render: (v: string | null) => <span className="vehicle-owner">{v ? maskName(v) : '未登记'}</span>,
          },
          { title: '品牌', dataIndex: 'brand', render: (v: string | null) => v ?? '—' },
          { title: '颜色', dataIndex: 'color', width: 90, render: (v: string | null) => v ?? '—' },
          ...(manage
            ? [
                {
                  title: '操作',
                  key: 'edit',
                  width: 80,
                  render: (_: unknown, v: Vehicle) => (
                    <Button size="small" className="vehicle-edit" onClick={() => setEditing(v)}>
                      编辑
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <VehicleDrawer
        editing={editing}
        communityId={communityId}
        ownerRequired={ownerRequired}
        onClose={() => setEditing(null)}
        onSaved={(v) => {
          setEditing(null);
          update({ plate: v.plate, kind: undefined });
          setReload((n) => n + 1);
        }}
      />
    </>
  );
}

interface VehicleValues {
  plate?: string;
  kind: string;
  ownerResidentId?: string;
  brand?: string;
  color?: string;
}

function VehicleDrawer({
  editing,
  communityId,
  ownerRequired,
  onClose,
  onSaved,
}: {
  editing: Vehicle | 'new' | null;
  communityId: string | undefined;
  ownerRequired: boolean;
  onClose: () => void;
  onSaved: (v: Vehicle) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<VehicleValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [owners, setOwners] = useState<{ value: string; label: string }[]>([]);
  const current = editing && editing !== 'new' ? editing : null;

  useEffect(() => {
    setError(null);
    if (!editing) return;
    form.resetFields();
    if (current) {
      form.setFieldsValue({
        kind: current.kind,
        ownerResidentId: current.ownerResidentId ?? undefined,
        brand: current.brand ?? undefined,
        color: current.color ?? undefined,
      });
      setOwners(
        current.ownerResidentId
          ? [{ value: current.ownerResidentId, label: maskName(current.ownerName) }]
          : [],
      );
    } else {
      form.setFieldsValue({ kind: 'car' });
      setOwners([]);
    }
  }, [editing, current, form]);

  /** residents of the area by name (居民管理's list: names in full, phones masked by the server) */
  const findOwners = (q: string) => {
    if (!q.trim()) return;
    api<Page<Resident>>('/residents', { query: { q: q.trim(), communityId, pageSize: 20 } })
      .then((r) =>
        setOwners(
          r.items.map((p) => ({
            value: p.id,
            label: `${p.name}${p.phone ? ` · ${p.phone}` : ''}${p.rooms[0] ? ` · ${local(p.rooms[0].standardAddress)}` : ''}`,
          })),
        ),
      )
      .catch(() => setOwners([]));
  };

  const save = async () => {
    let v: VehicleValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const brand = v.brand?.trim();
      const color = v.color?.trim();
      const saved = current
        ? await api<Vehicle>(`/vehicles/${current.id}`, {
            method: 'PATCH',
            body: {
              kind: v.kind,
              ownerResidentId: v.ownerResidentId ?? null,
              brand: brand || null,
              color: color || null,
            },
          })
        : await api<Vehicle>('/vehicles', {
            body: {
              communityId,
              plate: v.plate!.trim().toUpperCase(),
              kind: v.kind,
              ...(v.ownerResidentId ? { ownerResidentId: v.ownerResidentId } : {}),
              ...(brand ? { brand } : {}),
              ...(color ? { color } : {}),
            },
          });
      message.success(current ? '已保存' : `已登记车辆：${saved.plate}`);
      onSaved(saved);
    } catch (err) {
      setError(dataError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      id="vehicle-drawer"
      open={editing !== null}
      onClose={onClose}
      size={480}
      title={current ? `编辑车辆 · ${current.plate}` : '登记车辆'}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button id="vehicle-save" type="primary" loading={saving} onClick={() => void save()}>
            保存
          </Button>
        </Space>
      }
    >
      {error && (
        <Typography.Paragraph id="vehicle-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      {current && (
        <Descriptions
          size="small"
          column={1}
          bordered
          style={{ marginBottom: 16 }}
          items={[{ key: 'plate', label: '车牌号', children: current.plate }]}
        />
      )}
      <Form form={form} layout="vertical" requiredMark>
        {!current && (
          <Form.Item
            name="plate"
            label="车牌号"
            extra="如 鲁J12345（新能源车 8 位）；登记后不能修改"
            normalize={(v: string | undefined) => v?.toUpperCase()}
            rules={[
              { required: true, whitespace: true, message: '请填写车牌号' },
              {
                validator: (_, v: string | undefined) =>
                  !v?.trim() || PLATE.test(v.trim().toUpperCase())
                    ? Promise.resolve()
                    : Promise.reject(new Error('不是有效的车牌号：省份简称 + 字母 + 5 至 6 位字母或数字')),
              },
            ]}
          >
            <Input id="vehicle-plate" maxLength={10} />
          </Form.Item>
        )}
        <Form.Item name="kind" label="类型" rules={[{ required: true, message: '请选择类型' }]}>
          <Select
            id="vehicle-kind"
            options={Object.entries(VEHICLE_KIND).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item
          name="ownerResidentId"
          label="车主"
          extra={ownerRequired ? '网格员登记的车辆须有本网格的车主' : '输入姓名查找本社区居民；可不填'}
          rules={ownerRequired ? [{ required: true, message: '请选择车主' }] : []}
        >
          <Select
            id="vehicle-owner"
            showSearch={{ filterOption: false, onSearch: findOwners }}
            allowClear
            placeholder="输入车主姓名查找"
            options={owners}
            notFoundContent="输入姓名后回车查找；找不到请先在居民管理中登记"
          />
        </Form.Item>
        <Space>
          <Form.Item name="brand" label="品牌">
            <Input id="vehicle-brand" maxLength={50} placeholder="如：比亚迪" />
          </Form.Item>
          <Form.Item name="color" label="颜色">
            <Input id="vehicle-color" maxLength={20} placeholder="如：白色" />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}
