// 人员与角色: the staff accounts holding a role in the scope being looked at (GET /users: search by name or username,
// filter by role, paged; phones masked by the server), a new account with its first role (POST /users: the server's
// username and password rules), a role granted at an org unit picked from the scope's tree (POST /users/:id/roles:
// only the roles the admin's own role may grant, at a unit of the level the role is held at, with the property
// company for property staff and technicians), and a role taken away after a confirmation (DELETE
// /users/:id/roles/:grantId). Admins who may update accounts (the server's users update) also 停用/启用 an account
// (after a confirmation; never their own), 重置密码 (a new password typed twice, the server's password rules) and
// 解锁 an account locked after repeated failed sign-ins (PATCH /users/:id). The list API has no status filter, so
// there is none here. Only admins (the server's users read/create/update) have this screen.
import { useEffect, useMemo, useState } from 'react';
import {
  App,
  Button,
  Card,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import {
  KeyOutlined,
  PlusOutlined,
  ReloadOutlined,
  StopOutlined,
  UnlockOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { useSearchParams } from 'react-router-dom';
import type { OrgUnit, RoleName } from '@linli/contracts';
import { ApiError, api, type Page } from '../api';
import { ROLE_LABEL, useSession } from '../session';
import { ORG_KIND, USER_STATUS } from '../labels';
import {
  NEEDS_COMPANY,
  ROLE_LEVEL,
  problemsOf,
  problemText,
  unitTree,
  useScopeUnits,
  type ScopeUnits,
} from '../org-scope';

const PAGE_SIZE = 20;

interface Grant {
  id: string;
  role: RoleName;
  orgUnitId: string;
  orgUnitName?: string;
  propertyCompanyId?: string | null;
}
interface StaffUser {
  id: string;
  displayName: string;
  username: string | null;
  phone: string | null;
  status: 'active' | 'disabled';
  locked: boolean;
  roles: Grant[];
}
interface Company {
  id: string;
  name: string;
}

const FIELD_NAME: Record<string, string> = {
  displayName: '姓名',
  username: '用户名',
  password: '初始密码',
  phone: '手机号',
  role: '角色',
  orgUnitId: '所在单位',
  propertyCompanyId: '物业公司',
};

/** the fields of the password reset, named as that form names them */
const RESET_FIELD_NAME: Record<string, string> = { ...FIELD_NAME, password: '新密码' };

/** The server's English errors for these forms in Chinese; an unknown one a Chinese line with its words. */
function staffError(err: unknown, names: Record<string, string> = FIELD_NAME): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const m = err.message;
  const problems = problemsOf(err.details);
  if (err.status === 400 && problems.length > 0)
    return problems
      .map((p) => {
        const field = p.path.split('.').pop() ?? p.path;
        return `${names[field] ?? p.path}：${problemText(p.message)}`;
      })
      .join('；');
  let found: RegExpExecArray | null;
  if ((found = /^The username (.+) is taken$/.exec(m))) return `用户名 ${found[1]} 已被使用，请换一个`;
  if ((found = /^You may not grant (\w+) in (.+)$/.exec(m)))
    return `不能在${found[2]}授予“${ROLE_LABEL[found[1] as RoleName] ?? found[1]}”角色`;
  if ((found = /^The role (\w+) is held at a (\w+), but (.+) is a (\w+)$/.exec(m)))
    return `“${ROLE_LABEL[found[1] as RoleName] ?? found[1]}”须授予在${ORG_KIND[found[2]!] ?? found[2]}一级，而${found[3]}是${ORG_KIND[found[4]!] ?? found[4]}`;
  if (/needs propertyCompanyId$/.test(m)) return '物业客服和维修工须选择所属物业公司';
  if (/^The resident role comes from binding/.test(m)) return '居民身份来自房屋绑定，不能直接授予';
  if (/^You may not change this account/.test(m)) return '不能修改此账号（其角色不在你的管辖范围内）';
  if (/^You cannot disable your own account/.test(m)) return '不能停用自己的账号';
  if (err.status === 403) return `没有权限（${m}）`;
  if (err.status === 404) return `账号或单位不存在（${m}）`;
  if (err.status === 409) return `操作冲突（${m}）`;
  return `操作失败（${m}）`;
}

export function StaffPage() {
  const { message } = App.useApp();
  const { user, can, grantable } = useSession();
  const scopeUnits = useScopeUnits();
  const [search, setSearch] = useSearchParams();
  const [page, setPage] = useState<Page<StaffUser> | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [granting, setGranting] = useState<StaffUser | null>(null);
  const [resetting, setResetting] = useState<StaffUser | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const q = search.get('q') ?? undefined;
  const role = search.get('role') ?? undefined;
  const pageNo = Number(search.get('page')) || 1;
  const mayRead = can('users.read');
  const mayUpdate = can('users.update');

  useEffect(() => {
    if (!mayRead) return;
    setLoading(true);
    api<Page<StaffUser>>('/users', { query: { q, role, page: pageNo, pageSize: PAGE_SIZE } })
      .then(setPage)
      .catch((err) => message.error(staffError(err)))
      .finally(() => setLoading(false));
  }, [q, role, pageNo, reload, message, mayRead]);

  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    next.delete('page');
    setSearch(next);
  };

  /** whether the admin may take this grant away: someone else's, a role they may grant, at a unit in their scope */
  const mayRevoke = (u: StaffUser, g: Grant) =>
    u.id !== user?.id && grantable.includes(g.role) && scopeUnits.byId.has(g.orgUnitId);

  const revoke = async (u: StaffUser, g: Grant) => {
    setBusy(g.id);
    try {
      await api(`/users/${u.id}/roles/${g.id}`, { method: 'DELETE' });
      message.success(`已收回 ${u.displayName} 在${g.orgUnitName ?? ''}的${ROLE_LABEL[g.role]}角色`);
      setReload((n) => n + 1);
    } catch (err) {
      message.error(staffError(err));
    } finally {
      setBusy(null);
    }
  };

  /** PATCH /users/:id with a status or unlock; the row's button shows the wait */
  const patchUser = async (u: StaffUser, body: Record<string, unknown>, done: string) => {
    setBusy(u.id);
    try {
      await api(`/users/${u.id}`, { method: 'PATCH', body });
      message.success(done);
      setReload((n) => n + 1);
    } catch (err) {
      message.error(staffError(err));
    } finally {
      setBusy(null);
    }
  };

  if (!mayRead) {
    return (
      <Card title="人员与角色">
        <Empty
          className="staff-forbidden"
          description="此角色不能查看工作人员账号，由社区、街道或区级管理员管理"
        />
      </Card>
    );
  }

  return (
    <Card
      title="人员与角色"
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)}>
            刷新
          </Button>
          <Button id="staff-add" type="primary" icon={<UserAddOutlined />} onClick={() => setCreating(true)}>
            新建账号
          </Button>
        </Space>
      }
    >
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label="姓名或用户名">
          <Input.Search
            key={q ?? ''}
            id="staff-search"
            allowClear
            defaultValue={q}
            placeholder="输入姓名或用户名查找"
            style={{ width: 240 }}
            onSearch={(v) => update({ q: v.trim() || undefined })}
          />
        </Form.Item>
        <Form.Item label="角色">
          <Select
            id="staff-role-filter"
            allowClear
            style={{ width: 160 }}
            placeholder="全部角色"
            value={role}
            onChange={(v?: string) => update({ role: v })}
            options={(Object.keys(ROLE_LABEL) as RoleName[])
              .filter((r) => r !== 'resident')
              .map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
          />
        </Form.Item>
      </Form>
      <Table<StaffUser>
        id="staff-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{
          emptyText: (
            <Empty
              description={q || role ? '没有符合条件的账号，换个条件试试' : '辖区内还没有工作人员账号'}
            />
          ),
        }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 人`,
          onChange: (p) => {
            const next = new URLSearchParams(search);
            next.set('page', String(p));
            setSearch(next);
          },
        }}
        columns={[
          { title: '姓名', dataIndex: 'displayName', width: 110 },
          { title: '用户名', dataIndex: 'username', width: 150, render: (v: string | null) => v ?? '—' },
          {
            title: '手机号',
            dataIndex: 'phone',
            width: 130,
            render: (v: string | null) => <span className="staff-phone">{v ?? '—'}</span>,
          },
          {
            title: '角色（所在单位）',
            key: 'roles',
            render: (_: unknown, u: StaffUser) =>
              u.roles.length === 0 ? (
                <Typography.Text type="secondary">无角色</Typography.Text>
              ) : (
                <Space orientation="vertical" size={2}>
                  {u.roles.map((g) => (
                    <Space key={g.id} size={4} className="staff-grant" data-grant={g.id}>
                      <Tag color="blue">{ROLE_LABEL[g.role]}</Tag>
                      <span>{g.orgUnitName ?? '—'}</span>
                      {g.id && mayRevoke(u, g) && (
                        <Popconfirm
                          title="收回角色"
                          description={`确定收回 ${u.displayName} 在${g.orgUnitName ?? ''}的“${ROLE_LABEL[g.role]}”角色？`}
                          okText="收回"
                          cancelText="取消"
                          okButtonProps={{ danger: true, className: 'staff-revoke-confirm' }}
                          onConfirm={() => revoke(u, g)}
                        >
                          <Button
                            size="small"
                            type="link"
                            danger
                            className="staff-revoke"
                            loading={busy === g.id}
                          >
                            收回
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ))}
                </Space>
              ),
          },
          {
            title: '状态',
            key: 'status',
            width: 130,
            render: (_: unknown, u: StaffUser) => (
              <Space size={4} wrap className="staff-status">
                {/* keyed by status: a re-rendered row shows the new colour at once, not a fade */}
                <Tag key={u.status} color={u.status === 'active' ? 'success' : 'default'}>
                  {USER_STATUS[u.status]}
                </Tag>
                {u.locked && (
                  <Tag color="warning" title="多次输错密码，暂时不能登录">
                    已锁定
                  </Tag>
                )}
              </Space>
            ),
          },
          {
            title: '操作',
            key: 'actions',
            width: mayUpdate ? 230 : 110,
            render: (_: unknown, u: StaffUser) => (
              <Space size={4} wrap>
                <Button
                  size="small"
                  className="staff-grant-add"
                  icon={<PlusOutlined />}
                  onClick={() => setGranting(u)}
                >
                  授予角色
                </Button>
                {mayUpdate && (
                  <Button
                    size="small"
                    className="staff-reset-password"
                    icon={<KeyOutlined />}
                    onClick={() => setResetting(u)}
                  >
                    重置密码
                  </Button>
                )}
                {mayUpdate && u.locked && (
                  <Button
                    size="small"
                    className="staff-unlock"
                    icon={<UnlockOutlined />}
                    loading={busy === u.id}
                    onClick={() =>
                      void patchUser(u, { unlock: true }, `已解锁 ${u.displayName} 的账号，可以重新登录`)
                    }
                  >
                    解锁
                  </Button>
                )}
                {mayUpdate && u.id !== user?.id && u.status === 'active' && (
                  <Popconfirm
                    title="停用账号"
                    description={`停用后 ${u.displayName} 将不能登录，已登录的会话也会失效。确定停用？`}
                    okText="停用"
                    cancelText="取消"
                    okButtonProps={{ danger: true, className: 'staff-disable-confirm' }}
                    onConfirm={() => patchUser(u, { status: 'disabled' }, `已停用 ${u.displayName} 的账号`)}
                  >
                    <Button
                      size="small"
                      danger
                      className="staff-disable"
                      icon={<StopOutlined />}
                      loading={busy === u.id}
                    >
                      停用
                    </Button>
                  </Popconfirm>
                )}
                {mayUpdate && u.status === 'disabled' && (
                  <Popconfirm
                    title="启用账号"
                    description={`启用后 ${u.displayName} 可以重新登录。确定启用？`}
                    okText="启用"
                    cancelText="取消"
                    okButtonProps={{ className: 'staff-enable-confirm' }}
                    onConfirm={() => patchUser(u, { status: 'active' }, `已启用 ${u.displayName} 的账号`)}
                  >
                    <Button size="small" className="staff-enable" loading={busy === u.id}>
                      启用
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <CreateDrawer
        open={creating}
        grantable={grantable}
        scopeUnits={scopeUnits}
        onClose={() => setCreating(false)}
        onSaved={(u) => {
          setCreating(false);
          message.success(`已创建账号：${u.displayName}（${u.username ?? ''}）`);
          setReload((n) => n + 1);
        }}
      />
      <GrantModal
        target={granting}
        grantable={grantable}
        scopeUnits={scopeUnits}
        onClose={() => setGranting(null)}
        onSaved={(u) => {
          setGranting(null);
          message.success(`已为 ${u.displayName} 授予角色`);
          setReload((n) => n + 1);
        }}
      />
      <ResetPasswordModal
        target={resetting}
        onClose={() => setResetting(null)}
        onSaved={(u) => {
          setResetting(null);
          message.success(`已重置 ${u.displayName} 的密码，请当面或电话告知本人`);
          setReload((n) => n + 1);
        }}
      />
    </Card>
  );
}

interface GrantValues {
  role?: RoleName;
  orgUnitId?: string;
  propertyCompanyId?: string;
}

/** Role, the unit it is held at (from the scope's tree, only units of the role's level selectable) and, for
 * property staff and technicians, their company: the fields of a grant, shared by both forms. */
function GrantFields({
  prefix,
  grantable,
  scopeUnits,
}: {
  prefix: string;
  grantable: RoleName[];
  scopeUnits: ScopeUnits;
}) {
  const form = Form.useFormInstance<GrantValues>();
  const role = Form.useWatch<RoleName | undefined>('role', form);
  const [companies, setCompanies] = useState<Company[]>([]);
  const needsCompany = !!role && NEEDS_COMPANY.includes(role);
  const level = role ? ROLE_LEVEL[role] : undefined;
  const tree = useMemo(
    () => unitTree(scopeUnits.units, (u: OrgUnit) => !level || u.kind !== level),
    [scopeUnits.units, level],
  );

  useEffect(() => {
    if (!needsCompany) return;
    api<Page<Company>>('/property-companies', { query: { pageSize: 200 } })
      .then((r) => setCompanies(r.items))
      .catch(() => setCompanies([]));
  }, [needsCompany]);

  return (
    <>
      <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
        <Select
          id={`${prefix}-role`}
          placeholder="选择角色"
          options={grantable.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
          onChange={() => form.setFieldsValue({ orgUnitId: undefined, propertyCompanyId: undefined })}
        />
      </Form.Item>
      <Form.Item
        name="orgUnitId"
        label="所在单位"
        extra={
          level ? `该角色授予在${ORG_KIND[level]}一级；只能选本辖区内的${ORG_KIND[level]}` : '先选择角色'
        }
        rules={[{ required: true, message: '请选择所在单位' }]}
      >
        <TreeSelect
          id={`${prefix}-org`}
          placeholder="从组织架构中选择"
          disabled={!role}
          treeDefaultExpandAll
          treeData={tree}
          showSearch
          treeNodeFilterProp="title"
          popupMatchSelectWidth
        />
      </Form.Item>
      {needsCompany && (
        <Form.Item
          name="propertyCompanyId"
          label="物业公司"
          rules={[{ required: true, message: '物业客服和维修工须选择所属物业公司' }]}
        >
          <Select
            id={`${prefix}-company`}
            placeholder={companies.length ? '选择物业公司' : '辖区内没有登记物业公司'}
            options={companies.map((c) => ({ value: c.id, label: c.name }))}
          />
        </Form.Item>
      )}
    </>
  );
}

interface CreateValues extends GrantValues {
  displayName: string;
  username: string;
  password: string;
  phone?: string;
}

function CreateDrawer({
  open,
  grantable,
  scopeUnits,
  onClose,
  onSaved,
}: {
  open: boolean;
  grantable: RoleName[];
  scopeUnits: ScopeUnits;
  onClose: () => void;
  onSaved: (u: StaffUser) => void;
}) {
  const [form] = Form.useForm<CreateValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    if (open) form.resetFields();
  }, [open, form]);

  const save = async () => {
    let v: CreateValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const created = await api<StaffUser>('/users', {
        body: {
          displayName: v.displayName.trim(),
          username: v.username.trim(),
          password: v.password,
          ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
          roles: [
            {
              role: v.role,
              orgUnitId: v.orgUnitId,
              ...(v.propertyCompanyId ? { propertyCompanyId: v.propertyCompanyId } : {}),
            },
          ],
        },
      });
      onSaved(created);
    } catch (err) {
      setError(staffError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      id="staff-drawer"
      open={open}
      onClose={onClose}
      size={520}
      title="新建工作人员账号"
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button id="staff-save" type="primary" loading={saving} onClick={() => void save()}>
            创建
          </Button>
        </Space>
      }
    >
      {error && (
        <Typography.Paragraph id="staff-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item
          name="displayName"
          label="姓名"
          rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}
        >
          <Input id="staff-name" maxLength={50} />
        </Form.Item>
        <Form.Item
          name="username"
          label="用户名"
          extra="用于登录：3 至 32 位小写字母、数字或 . _ -，以字母开头，如 wang.fang"
          rules={[
            { required: true, message: '请填写用户名' },
            {
              pattern: /^[a-z][a-z0-9_.-]{2,31}$/,
              message: '须为 3 至 32 位小写字母、数字或 . _ -，以字母开头',
            },
          ]}
        >
          <Input id="staff-username" maxLength={32} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label="初始密码"
          extra="至少 10 位，须同时含字母和数字；请当面或电话告知本人"
          rules={[
            { required: true, message: '请填写初始密码' },
            { min: 10, message: '至少 10 位' },
            {
              validator: (_, v: string | undefined) =>
                !v || (/[A-Za-z]/.test(v) && /\d/.test(v))
                  ? Promise.resolve()
                  : Promise.reject(new Error('须同时含字母和数字')),
            },
          ]}
        >
          <Input.Password id="staff-password" maxLength={128} autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="phone"
          label="手机号"
          extra="可不填；保存后只显示打码后的号码"
          rules={[{ pattern: /^1[3-9]\d{9}$/, message: '须为 11 位大陆手机号' }]}
        >
          <Input id="staff-phone" maxLength={11} />
        </Form.Item>
        <Typography.Title level={5}>首个角色</Typography.Title>
        <GrantFields prefix="staff" grantable={grantable} scopeUnits={scopeUnits} />
      </Form>
    </Drawer>
  );
}

function GrantModal({
  target,
  grantable,
  scopeUnits,
  onClose,
  onSaved,
}: {
  target: StaffUser | null;
  grantable: RoleName[];
  scopeUnits: ScopeUnits;
  onClose: () => void;
  onSaved: (u: StaffUser) => void;
}) {
  const [form] = Form.useForm<GrantValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    if (target) form.resetFields();
  }, [target, form]);

  const save = async () => {
    if (!target) return;
    let v: GrantValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const saved = await api<StaffUser>(`/users/${target.id}/roles`, {
        body: {
          role: v.role,
          orgUnitId: v.orgUnitId,
          ...(v.propertyCompanyId ? { propertyCompanyId: v.propertyCompanyId } : {}),
        },
      });
      onSaved(saved);
    } catch (err) {
      setError(staffError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={`为 ${target?.displayName ?? ''} 授予角色`}
      onCancel={onClose}
      onOk={() => void save()}
      okText="授予"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ id: 'grant-save' }}
      destroyOnHidden
    >
      {error && (
        <Typography.Paragraph id="grant-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" requiredMark>
        <GrantFields prefix="grant" grantable={grantable} scopeUnits={scopeUnits} />
      </Form>
    </Modal>
  );
}

interface ResetValues {
  password: string;
  confirm: string;
}

/** 重置密码: the new password twice (checked against the server's rules first); also lifts a lock-out. The
 * password only ever goes into the PATCH body, never into a message or the console. */
function ResetPasswordModal({
  target,
  onClose,
  onSaved,
}: {
  target: StaffUser | null;
  onClose: () => void;
  onSaved: (u: StaffUser) => void;
}) {
  const [form] = Form.useForm<ResetValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    if (target) form.resetFields();
  }, [target, form]);

  const save = async () => {
    if (!target) return;
    let v: ResetValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const saved = await api<StaffUser>(`/users/${target.id}`, {
        method: 'PATCH',
        body: { password: v.password },
      });
      form.resetFields();
      onSaved(saved);
    } catch (err) {
      setError(staffError(err, RESET_FIELD_NAME));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={`重置 ${target?.displayName ?? ''} 的密码`}
      onCancel={onClose}
      onOk={() => void save()}
      okText="重置密码"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ id: 'reset-save' }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        账号：{target?.username ?? '—'}
        。重置后原密码立即失效，账号的锁定也会解除；请当面或电话把新密码告知本人。
      </Typography.Paragraph>
      {error && (
        <Typography.Paragraph id="reset-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item
          name="password"
          label="新密码"
          extra="至少 10 位，须同时含字母和数字"
          rules={[
            { required: true, message: '请填写新密码' },
            { min: 10, message: '至少 10 位' },
            {
              validator: (_, v: string | undefined) =>
                !v || (/[A-Za-z]/.test(v) && /\d/.test(v))
                  ? Promise.resolve()
                  : Promise.reject(new Error('须同时含字母和数字')),
            },
          ]}
        >
          <Input.Password id="reset-password" maxLength={128} autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label="再次输入新密码"
          dependencies={['password']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_, v: string | undefined) =>
                !v || v === getFieldValue('password')
                  ? Promise.resolve()
                  : Promise.reject(new Error('两次输入的密码不一致')),
            }),
          ]}
        >
          <Input.Password id="reset-confirm" maxLength={128} autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
