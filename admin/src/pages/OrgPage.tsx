// 组织与网格: the org tree of the scope being looked at (街道 › 社区 › 网格, GET /org-units filtered to the scope's
// subtree), with a detail panel for the selected unit: its kind, code, parent, the units below it and, for admins
// (who may read staff accounts), the grid workers of a grid. Admins add a unit under the selected one (a grid under a
// community, a community under a street: the server's CHILD_KIND) and rename it or change its code; other staff see
// the tree read-only. Grid boundaries are not edited here.
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Row,
  Space,
  Spin,
  Tag,
  Tree,
  Typography,
} from 'antd';
import { EditOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { OrgUnit } from '@linli/contracts';
import { ApiError, api, type Page } from '../api';
import { useSession } from '../session';
import { ORG_KIND } from '../labels';
import { compareUnits, problemsOf, problemText, unitTree, useScopeUnits, type UnitNode } from '../org-scope';

const CHILD_KIND: Record<string, OrgUnit['kind'] | undefined> = {
  district: 'street',
  street: 'community',
  community: 'grid',
};
const KIND_COLOR: Record<string, string> = {
  district: 'purple',
  street: 'geekblue',
  community: 'blue',
  grid: 'green',
};

interface StaffUser {
  id: string;
  displayName: string;
  username: string | null;
  phone: string | null;
  status: string;
}

/** The server's errors for a unit form in Chinese; others a Chinese line with the server's words. */
function orgError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const problems = problemsOf(err.details);
  if (err.status === 400 && problems.length > 0)
    return problems
      .map((p) => `${{ name: '名称', code: '编码' }[p.path] ?? p.path}：${problemText(p.message)}`)
      .join('；');
  if (/cannot be placed under a/.test(err.message)) return '该层级下不能新增这种单位';
  if (err.status === 403) return `没有权限（${err.message}）`;
  if (err.status === 404) return `单位不存在（${err.message}）`;
  return `操作失败（${err.message}）`;
}

function treeData(nodes: UnitNode[]): { key: string; title: React.ReactNode; children: unknown[] }[] {
  return nodes.map((n) => ({
    key: n.key,
    title: (
      <span className="org-node" data-testid={`org-node-${n.key}`}>
        <Tag color={KIND_COLOR[n.unit.kind]} style={{ marginInlineEnd: 6 }}>
          {ORG_KIND[n.unit.kind]}
        </Tag>
        {n.title}
      </span>
    ),
    children: treeData(n.children),
  }));
}

export function OrgPage() {
  const { can } = useSession();
  const { units, byId, allById, root, loading, error, reload } = useScopeUnits();
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const [editing, setEditing] = useState<{ mode: 'add' | 'edit'; unit: OrgUnit } | null>(null);
  const manage = can('orgUnits.manage');
  const selected = byId.get(search.get('unit') ?? '') ?? root;
  const tree = useMemo(() => treeData(unitTree(units)), [units]);
  const expanded = useMemo(() => units.filter((u) => u.kind !== 'grid').map((u) => u.id), [units]);

  return (
    <Card
      title="组织与网格"
      extra={
        <Space>
          {can('imports.create') && (
            <Button
              id="rooms-import"
              icon={<UploadOutlined />}
              onClick={() => navigate('/org-units/import-rooms')}
            >
              导入房屋
            </Button>
          )}
          <Button icon={<ReloadOutlined />} onClick={reload}>
            刷新
          </Button>
        </Space>
      }
    >
      {error ? <Alert type="error" showIcon title="组织架构加载失败" description={orgError(error)} /> : null}
      {!manage && (
        <Typography.Paragraph type="secondary" id="org-readonly">
          此角色只能查看本辖区的组织架构；新增和修改由社区、街道或区级管理员办理。
        </Typography.Paragraph>
      )}
      <Row gutter={24}>
        <Col span={9}>
          <Card size="small" title={root ? `${root.name} 辖区` : '辖区'} id="org-tree-card">
            {loading && units.length === 0 ? (
              <Spin />
            ) : units.length === 0 ? (
              <Empty description="当前管辖范围下没有组织单位" />
            ) : (
              <div id="org-tree">
                <Tree
                  blockNode
                  showLine
                  defaultExpandedKeys={expanded}
                  key={expanded.join(',')}
                  selectedKeys={selected ? [selected.id] : []}
                  treeData={tree as never}
                  onSelect={(keys) => {
                    const id = keys[0] as string | undefined;
                    if (id) setSearch({ unit: id });
                  }}
                />
              </div>
            )}
          </Card>
        </Col>
        <Col span={15}>
          {selected ? (
            <UnitDetail
              unit={selected}
              units={units}
              parent={selected.parentId ? allById.get(selected.parentId) : undefined}
              manage={manage}
              onAdd={() => setEditing({ mode: 'add', unit: selected })}
              onEdit={() => setEditing({ mode: 'edit', unit: selected })}
            />
          ) : (
            <Card size="small">
              <Empty description="在左侧选择一个单位查看详情" />
            </Card>
          )}
        </Col>
      </Row>
      <UnitModal
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={(unit) => {
          setEditing(null);
          reload();
          setSearch({ unit: unit.id });
        }}
      />
    </Card>
  );
}

function UnitDetail({
  unit,
  units,
  parent,
  manage,
  onAdd,
  onEdit,
}: {
  unit: OrgUnit;
  units: OrgUnit[];
  parent: OrgUnit | undefined;
  manage: boolean;
  onAdd: () => void;
  onEdit: () => void;
}) {
  const { can } = useSession();
  const mayReadStaff = can('users.read');
  const [workers, setWorkers] = useState<StaffUser[] | null>(null);
  const [workersError, setWorkersError] = useState<string | null>(null);
  const children = units.filter((u) => u.parentId === unit.id).sort(compareUnits);
  const childKind = CHILD_KIND[unit.kind];

  useEffect(() => {
    setWorkers(null);
    setWorkersError(null);
    if (unit.kind !== 'grid' || !mayReadStaff) return;
    api<Page<StaffUser>>('/users', { query: { role: 'grid_worker', orgUnitId: unit.id, pageSize: 50 } })
      .then((r) => setWorkers(r.items))
      .catch((err) => setWorkersError(orgError(err)));
  }, [unit.id, unit.kind, mayReadStaff]);

  return (
    <Card
      size="small"
      id="org-detail"
      title={
        <Space>
          <Tag color={KIND_COLOR[unit.kind]}>{ORG_KIND[unit.kind]}</Tag>
          <span id="org-detail-name">{unit.name}</span>
        </Space>
      }
      extra={
        <Space>
          {childKind && (
            <Button
              id="org-add-child"
              icon={<PlusOutlined />}
              disabled={!manage}
              title={manage ? undefined : '此角色不能新增组织单位'}
              onClick={onAdd}
            >
              新增{ORG_KIND[childKind]}
            </Button>
          )}
          <Button
            id="org-edit"
            type="primary"
            icon={<EditOutlined />}
            disabled={!manage}
            title={manage ? undefined : '此角色不能修改组织单位'}
            onClick={onEdit}
          >
            编辑
          </Button>
        </Space>
      }
    >
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          { key: 'name', label: '名称', children: unit.name },
          { key: 'kind', label: '层级', children: ORG_KIND[unit.kind] },
          {
            key: 'code',
            label: '编码',
            children: <span id="org-detail-code">{unit.code ?? '—'}</span>,
          },
          { key: 'parent', label: '上级单位', children: parent?.name ?? '—' },
          ...(childKind
            ? [
                {
                  key: 'children',
                  label: `下辖${ORG_KIND[childKind]}`,
                  children: children.length ? (
                    <Space size={[4, 4]} wrap>
                      {children.map((c) => (
                        <Tag key={c.id}>{c.name}</Tag>
                      ))}
                    </Space>
                  ) : (
                    <Typography.Text type="secondary">
                      暂无，可点击“新增{ORG_KIND[childKind]}”
                    </Typography.Text>
                  ),
                },
              ]
            : []),
          ...(unit.kind === 'grid'
            ? [
                {
                  key: 'boundary',
                  label: '网格边界',
                  children: unit.boundary ? '已划定' : '未划定',
                },
                {
                  key: 'workers',
                  label: '网格员',
                  children: !mayReadStaff ? (
                    <Typography.Text type="secondary">此角色不能查看工作人员账号</Typography.Text>
                  ) : workersError ? (
                    <Typography.Text type="danger">{workersError}</Typography.Text>
                  ) : workers === null ? (
                    <Spin size="small" />
                  ) : workers.length === 0 ? (
                    <Typography.Text type="secondary" id="org-workers">
                      尚未配备网格员，可在“人员与角色”中授予
                    </Typography.Text>
                  ) : (
                    <Space id="org-workers" size={[4, 4]} wrap>
                      {workers.map((w) => (
                        <Tag key={w.id} color={w.status === 'active' ? 'green' : 'default'}>
                          {w.displayName}
                          {w.phone ? ` ${w.phone}` : ''}
                        </Tag>
                      ))}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

function UnitModal({
  editing,
  onClose,
  onSaved,
}: {
  editing: { mode: 'add' | 'edit'; unit: OrgUnit } | null;
  onClose: () => void;
  onSaved: (unit: OrgUnit) => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; code?: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const kind = editing
    ? editing.mode === 'add'
      ? CHILD_KIND[editing.unit.kind]
      : editing.unit.kind
    : undefined;

  useEffect(() => {
    setError(null);
    if (!editing) return;
    form.resetFields();
    if (editing.mode === 'edit')
      form.setFieldsValue({ name: editing.unit.name, code: editing.unit.code ?? undefined });
  }, [editing, form]);

  const save = async () => {
    if (!editing || !kind) return;
    let v: { name: string; code?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const code = v.code?.trim();
      const saved =
        editing.mode === 'add'
          ? await api<OrgUnit>('/org-units', {
              body: { kind, parentId: editing.unit.id, name: v.name.trim(), ...(code ? { code } : {}) },
            })
          : await api<OrgUnit>(`/org-units/${editing.unit.id}`, {
              method: 'PATCH',
              body: { name: v.name.trim(), code: code || null },
            });
      message.success(editing.mode === 'add' ? `已新增${ORG_KIND[kind]}：${saved.name}` : '已保存');
      onSaved(saved);
    } catch (err) {
      setError(orgError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={editing !== null}
      title={
        editing?.mode === 'add'
          ? `在 ${editing.unit.name} 下新增${kind ? ORG_KIND[kind] : ''}`
          : `编辑${kind ? ORG_KIND[kind] : ''} · ${editing?.unit.name ?? ''}`
      }
      onCancel={onClose}
      onOk={() => void save()}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ id: 'org-save' }}
      destroyOnHidden
    >
      {error && (
        <Typography.Paragraph id="org-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item
          name="name"
          label="名称"
          rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
        >
          <Input id="org-name" maxLength={100} placeholder={kind === 'grid' ? '如：第五网格' : undefined} />
        </Form.Item>
        <Form.Item name="code" label="编码" extra="上级部门下发的网格或单位编码，可不填；最多 32 位">
          <Input id="org-code" maxLength={32} allowClear />
        </Form.Item>
      </Form>
    </Modal>
  );
}
