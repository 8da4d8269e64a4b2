// 事项清单: the approval items the caller's community or street offers (GET /approval-items), with their time
// limit, handling group, materials and form; admins add an item or edit one in a drawer (form fields and
// materials as editable rows). The server is the final word on what an item may hold: its 400 problems are put
// in Chinese next to the fields they name.
import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  PlusOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import { useSearchParams } from 'react-router-dom';
import type { ApprovalItem, FormField, Material } from '@linli/contracts';
import { ApiError, api, type Page } from '../api';
import { ROLE_LABEL, useSession } from '../session';
import { FORM_FIELD_TYPE } from '../labels';

const PAGE_SIZE = 20;

/** The roles a step may go to (contracts StepGroup: staff roles only). */
const STEP_GROUPS = [
  'community_admin',
  'grid_worker',
  'property_staff',
  'technician',
  'street_admin',
  'district_admin',
] as const;
const groupOptions = STEP_GROUPS.map((r) => ({ value: r, label: ROLE_LABEL[r] }));

/** What the fields of an item are called on screen, by the path the server's problems use. */
const FIELD_NAME: Record<string, string> = {
  name: '事项名称',
  code: '事项编码',
  description: '事项说明',
  timeLimitDays: '承诺时限',
  acceptGroup: '受理岗位',
  handleGroup: '承办岗位',
  reviewGroup: '审核岗位',
  published: '启用',
  materials: '申请材料',
  formFields: '表单项',
  key: '字段键',
  label: '显示名称',
  type: '类型',
  required: '必填',
  options: '选项',
  help: '提示',
  example: '备注',
};

function fieldName(path: string): string {
  const parts = path.split('.');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (/^\d+$/.test(p)) {
      // a row of a list, or an option of a select field
      out.push(parts[i - 1] === 'options' ? `第${Number(p) + 1}项` : `第${Number(p) + 1}行`);
    } else out.push(FIELD_NAME[p] ?? p);
  }
  return out.join(' ');
}

/** The zod messages an item can meet, in Chinese; an unknown one is kept in the server's words. */
function problemText(message: string): string {
  let m: RegExpExecArray | null;
  if (message === 'is required') return '必填';
  if (message === 'is not a known field') return '不是可用的字段';
  if ((m = /^Too small: expected string to have >=(\d+) characters?$/.exec(message)))
    return `至少 ${m[1]} 个字`;
  if ((m = /^Too big: expected string to have <=(\d+) characters?$/.exec(message)))
    return `最多 ${m[1]} 个字`;
  if ((m = /^Too small: expected number to be >=(\d+)$/.exec(message))) return `不能小于 ${m[1]}`;
  if ((m = /^Too big: expected number to be <=(\d+)$/.exec(message))) return `不能大于 ${m[1]}`;
  if ((m = /^Too big: expected array to have <=(\d+) items?$/.exec(message))) return `最多 ${m[1]} 项`;
  if (/^must start with a letter/.test(message)) return '须以英文字母开头，只能用字母、数字和 _';
  if (/^lower-case letters, digits and -$/.test(message)) return '只能用小写字母、数字和 -，2 至 40 位';
  if (/^a select field needs its options$/.test(message)) return '下拉选择须至少有一个选项';
  if ((m = /^material "(.+)" appears twice$/.exec(message))) return `材料“${m[1]}”重复`;
  if ((m = /^form field "(.+)" appears twice$/.exec(message))) return `字段键 ${m[1]} 重复`;
  if (/^must be a staff role$/.test(message)) return '须为工作人员岗位';
  if (/^Expected int/.test(message)) return '须为整数';
  return `不符合要求（${message}）`;
}

interface Problem {
  path: string;
  message: string;
}

/** A whole-request error in Chinese: the known ones translated, any other a Chinese line with its words. */
function catalogueError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const m = err.message;
  let found: RegExpExecArray | null;
  if ((found = /^(.+) already has an item with the code (.+)$/.exec(m)))
    return `${found[1]}已有编码为 ${found[2]} 的事项`;
  if (/^You may not change an item offered by a unit above yours/.test(m))
    return '上级单位提供的事项不能在此修改';
  if (/^Name the community or street offering the item/.test(m))
    return '请先在“管辖范围”中选择提供事项的社区或街道';
  if (/^Items are offered by a community, a street or a district/.test(m))
    return '事项由社区、街道或区提供，网格不能提供事项';
  if (err.status === 400 && err.id === 'validation_failed') return '填写有误，请按下列提示修改：';
  if (err.status === 403) return `没有权限（${m}）`;
  if (err.status === 404) return `事项不存在（${m}）`;
  return `操作失败（${m}）`;
}

export function CatalogueEditorPage() {
  const { message } = App.useApp();
  const { can, user, scope } = useSession();
  const [search, setSearch] = useSearchParams();
  const [page, setPage] = useState<Page<ApprovalItem> | null>(null);
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState<ApprovalItem | 'new' | null>(null);
  const [reload, setReload] = useState(0);
  const pageNo = Number(search.get('page')) || 1;
  const manage = can('approvalItems.manage');

  useEffect(() => {
    if (!manage) return;
    setLoading(true);
    api<Page<ApprovalItem>>('/approval-items', { query: { page: pageNo, pageSize: PAGE_SIZE } })
      .then(setPage)
      .catch((err) => message.error(catalogueError(err)))
      .finally(() => setLoading(false));
  }, [pageNo, message, manage, reload]);

  if (!manage) {
    return (
      <Card title="事项清单">
        <Empty description="此角色不能编辑事项清单" />
      </Card>
    );
  }

  return (
    <Card
      title="事项清单"
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)}>
            刷新
          </Button>
          <Button id="item-add" type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            新增事项
          </Button>
        </Space>
      }
    >
      <Table<ApprovalItem>
        id="items-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{ emptyText: <Empty description="还没有事项" /> }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 项`,
          onChange: (p) => {
            const next = new URLSearchParams(search);
            next.set('page', String(p));
            setSearch(next);
          },
        }}
        columns={[
          { title: '事项名称', dataIndex: 'name', ellipsis: true },
          {
            title: '编码',
            dataIndex: 'code',
            width: 190,
            render: (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>,
          },
          { title: '提供单位', dataIndex: 'orgUnitName', width: 120 },
          {
            title: '承诺时限',
            dataIndex: 'timeLimitDays',
            width: 110,
            render: (v: number) => `${v}个工作日`,
          },
          {
            title: '承办',
            dataIndex: 'handleGroup',
            width: 180,
            render: (v: string, it: ApprovalItem) =>
              `${it.handlingOrgUnitName ? `${it.handlingOrgUnitName} · ` : ''}${ROLE_LABEL[v as keyof typeof ROLE_LABEL] ?? v}`,
          },
          {
            title: '材料',
            key: 'materials',
            width: 70,
            render: (_: unknown, it) => `${it.materials.length} 项`,
          },
          {
            title: '表单项',
            key: 'fields',
            width: 80,
            render: (_: unknown, it) => `${it.formFields.length} 项`,
          },
          {
            title: '状态',
            dataIndex: 'published',
            width: 80,
            render: (v: boolean) => (v ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>),
          },
          {
            title: '操作',
            key: 'edit',
            width: 80,
            render: (_: unknown, it: ApprovalItem) => (
              <Button size="small" className="item-edit" onClick={() => setEditing(it)}>
                编辑
              </Button>
            ),
          },
        ]}
      />
      <ItemDrawer
        editing={editing}
        orgUnitId={user?.roles[scope]?.orgUnitId}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          setReload((n) => n + 1);
        }}
      />
    </Card>
  );
}

interface FieldRow {
  key?: string;
  label?: string;
  type?: FormField['type'];
  required?: boolean;
  options?: string[];
  /** kept as it was: the editor has no column for it, and an edit must not drop it */
  help?: string;
}

interface MaterialRow {
  name?: string;
  required?: boolean;
  example?: string;
}

interface FormValues {
  name?: string;
  code?: string;
  description?: string;
  timeLimitDays?: number;
  acceptGroup?: string;
  handleGroup?: string;
  reviewGroup?: string;
  published?: boolean;
  formFields?: FieldRow[];
  materials?: MaterialRow[];
}

const trimmed = (s: string | undefined) => (s ?? '').trim();

/** The rows as the API takes them: empty optional parts left out (the server refuses unknown or blank ones). */
function toBody(v: FormValues) {
  const formFields = (v.formFields ?? []).map((f) => ({
    key: trimmed(f.key),
    label: trimmed(f.label),
    type: f.type,
    required: !!f.required,
    ...(f.type === 'select' ? { options: (f.options ?? []).map((o) => o.trim()).filter(Boolean) } : {}),
    ...(trimmed(f.help) ? { help: trimmed(f.help) } : {}),
  }));
  const materials = (v.materials ?? []).map((m) => ({
    name: trimmed(m.name),
    required: !!m.required,
    ...(trimmed(m.example) ? { example: trimmed(m.example) } : {}),
  }));
  return {
    name: trimmed(v.name),
    description: trimmed(v.description),
    timeLimitDays: v.timeLimitDays,
    acceptGroup: v.acceptGroup,
    handleGroup: v.handleGroup,
    reviewGroup: v.reviewGroup,
    published: !!v.published,
    formFields,
    materials,
  };
}

function ItemDrawer({
  editing,
  orgUnitId,
  onClose,
  onSaved,
}: {
  editing: ApprovalItem | 'new' | null;
  orgUnitId: string | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const item = editing && editing !== 'new' ? editing : null;

  useEffect(() => {
    setError(null);
    setProblems([]);
    if (!editing) return;
    form.resetFields();
    if (item) {
      form.setFieldsValue({
        name: item.name,
        description: item.description,
        timeLimitDays: item.timeLimitDays,
        acceptGroup: item.acceptGroup,
        handleGroup: item.handleGroup,
        reviewGroup: item.reviewGroup,
        published: item.published,
        formFields: (item.formFields as FormField[]).map((f) => ({ ...f })),
        materials: item.materials.map((m: Material) => ({ ...m })),
      });
    } else {
      form.setFieldsValue({
        timeLimitDays: 5,
        acceptGroup: 'community_admin',
        handleGroup: 'grid_worker',
        reviewGroup: 'community_admin',
        published: true,
        formFields: [],
        materials: [],
      });
    }
  }, [editing, item, form]);

  const save = async () => {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    setProblems([]);
    try {
      const body = toBody(v);
      if (item) {
        await api(`/approval-items/${item.id}`, { method: 'PATCH', body });
        message.success('已保存');
      } else {
        await api('/approval-items', {
          body: {
            ...body,
            ...(orgUnitId ? { orgUnitId } : {}),
            ...(trimmed(v.code) ? { code: trimmed(v.code) } : {}),
          },
        });
        message.success('事项已新增');
      }
      onSaved();
    } catch (err) {
      setError(catalogueError(err));
      if (err instanceof ApiError && Array.isArray(err.details)) {
        const list = (err.details as Problem[]).filter((p) => typeof p?.message === 'string');
        setProblems(list);
        // also mark each field the server names, so the message sits next to it
        form.setFields(
          list
            .filter((p) => p.path)
            .map((p) => ({
              // the server's paths are the form's own names (formFields.0.key)
              name: p.path.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x)) as never,
              errors: [problemText(p.message)],
            })),
        );
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      id="item-drawer"
      open={editing !== null}
      onClose={onClose}
      size={880}
      title={item ? `编辑事项 · ${item.name}` : '新增事项'}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button id="item-save" type="primary" loading={saving} onClick={() => void save()}>
            保存
          </Button>
        </Space>
      }
    >
      {error && (
        <Alert
          id="item-error"
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={error}
          description={
            problems.length > 0 && (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {problems.map((p, i) => (
                  <li key={i}>
                    {p.path ? `${fieldName(p.path)}：` : ''}
                    {problemText(p.message)}
                  </li>
                ))}
              </ul>
            )
          }
        />
      )}
      <Form form={form} layout="vertical" requiredMark>
        <Typography.Title level={5}>基本信息</Typography.Title>
        <Space align="start" wrap>
          <Form.Item
            name="name"
            label="事项名称"
            rules={[{ required: true, whitespace: true, message: '请填写事项名称' }]}
          >
            <Input id="item-name" maxLength={60} style={{ width: 320 }} />
          </Form.Item>
          {item ? (
            <Form.Item label="事项编码" extra="编码新增后不能修改">
              <Input value={item.code ?? '（无）'} disabled style={{ width: 240 }} />
            </Form.Item>
          ) : (
            <Form.Item name="code" label="事项编码" extra="可不填；小写字母、数字和 -，本单位内唯一">
              <Input id="item-code" maxLength={40} style={{ width: 240 }} />
            </Form.Item>
          )}
        </Space>
        <Form.Item name="description" label="事项说明">
          <Input.TextArea id="item-description" rows={2} maxLength={2000} />
        </Form.Item>
        <Space align="start" wrap>
          <Form.Item
            name="timeLimitDays"
            label="承诺时限（工作日）"
            rules={[{ required: true, message: '请填写承诺时限' }]}
          >
            <InputNumber
              id="item-days"
              min={1}
              max={120}
              precision={0}
              style={{ width: 140 }}
              suffix="个工作日"
            />
          </Form.Item>
          <Form.Item name="acceptGroup" label="受理岗位">
            <Select id="item-accept" style={{ width: 130 }} options={groupOptions} />
          </Form.Item>
          <Form.Item name="handleGroup" label="承办岗位">
            <Select id="item-handle" style={{ width: 130 }} options={groupOptions} />
          </Form.Item>
          <Form.Item name="reviewGroup" label="审核岗位">
            <Select id="item-review" style={{ width: 130 }} options={groupOptions} />
          </Form.Item>
          <Form.Item name="published" label="启用" valuePropName="checked" extra="停用后居民看不到此事项">
            <Switch id="item-published" checkedChildren="启用" unCheckedChildren="停用" />
          </Form.Item>
        </Space>

        <Typography.Title level={5}>申请表单</Typography.Title>
        <Form.List name="formFields">
          {(rows, { add, remove, move }) => (
            <div id="item-fields">
              {rows.length === 0 && (
                <Typography.Paragraph type="secondary">还没有表单项</Typography.Paragraph>
              )}
              {rows.map((row, i) => (
                <FieldRowEditor
                  key={row.key}
                  index={i}
                  name={row.name}
                  last={i === rows.length - 1}
                  onUp={() => move(i, i - 1)}
                  onDown={() => move(i, i + 1)}
                  onRemove={() => remove(i)}
                />
              ))}
              <div>
                <Button
                  id="item-field-add"
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ type: 'text', required: false })}
                >
                  添加表单项
                </Button>
              </div>
            </div>
          )}
        </Form.List>

        <Typography.Title level={5} style={{ marginTop: 24 }}>
          申请材料
        </Typography.Title>
        <Form.List name="materials">
          {(rows, { add, remove, move }) => (
            <div id="item-materials">
              {rows.length === 0 && (
                <Typography.Paragraph type="secondary">还没有申请材料</Typography.Paragraph>
              )}
              {rows.map((row, i) => (
                <Space key={row.key} align="start" className="material-row" wrap={false}>
                  <Form.Item
                    name={[row.name, 'name']}
                    rules={[{ required: true, whitespace: true, message: '请填写材料名称' }]}
                  >
                    <Input
                      className="material-name"
                      placeholder="材料名称"
                      maxLength={60}
                      style={{ width: 200 }}
                    />
                  </Form.Item>
                  <Form.Item name={[row.name, 'example']}>
                    <Input
                      className="material-note"
                      placeholder="备注（原件/复印件、哪几页等）"
                      maxLength={300}
                      style={{ width: 300 }}
                    />
                  </Form.Item>
                  <Form.Item name={[row.name, 'required']} valuePropName="checked">
                    <Checkbox className="material-required">必交</Checkbox>
                  </Form.Item>
                  <RowButtons
                    first={i === 0}
                    last={i === rows.length - 1}
                    onUp={() => move(i, i - 1)}
                    onDown={() => move(i, i + 1)}
                    onRemove={() => remove(i)}
                  />
                </Space>
              ))}
              <div>
                <Button
                  id="item-material-add"
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ required: true })}
                >
                  添加材料
                </Button>
              </div>
            </div>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}

function RowButtons(props: {
  first: boolean;
  last: boolean;
  onUp: () => void;
  onDown: () => void;
  onRemove: () => void;
}) {
  return (
    <Space size={2}>
      <Button
        size="small"
        title="上移"
        icon={<ArrowUpOutlined />}
        disabled={props.first}
        onClick={props.onUp}
      />
      <Button
        size="small"
        title="下移"
        icon={<ArrowDownOutlined />}
        disabled={props.last}
        onClick={props.onDown}
      />
      <Button
        size="small"
        danger
        title="删除"
        className="row-remove"
        icon={<DeleteOutlined />}
        onClick={props.onRemove}
      />
    </Space>
  );
}

function FieldRowEditor({
  index,
  name,
  last,
  onUp,
  onDown,
  onRemove,
}: {
  index: number;
  name: number;
  last: boolean;
  onUp: () => void;
  onDown: () => void;
  onRemove: () => void;
}) {
  const type = Form.useWatch(['formFields', name, 'type']) as string | undefined;
  return (
    <Space align="start" className="field-row" wrap={false}>
      <Form.Item
        name={[name, 'key']}
        rules={[
          { required: true, message: '请填写字段键' },
          { pattern: /^[A-Za-z][A-Za-z0-9_]{0,39}$/, message: '英文字母开头，只用字母、数字和 _' },
        ]}
      >
        <Input
          className="field-key"
          placeholder="字段键（如 reason）"
          maxLength={40}
          style={{ width: 150 }}
        />
      </Form.Item>
      <Form.Item
        name={[name, 'label']}
        rules={[{ required: true, whitespace: true, message: '请填写显示名称' }]}
      >
        <Input className="field-label" placeholder="显示名称" maxLength={50} style={{ width: 150 }} />
      </Form.Item>
      <Form.Item name={[name, 'type']} rules={[{ required: true, message: '请选择类型' }]}>
        <Select
          className="field-type"
          id={`field-type-${index}`}
          style={{ width: 120 }}
          options={Object.entries(FORM_FIELD_TYPE).map(([value, label]) => ({ value, label }))}
        />
      </Form.Item>
      {type === 'select' && (
        <Form.Item name={[name, 'options']} rules={[{ required: true, message: '请填写选项' }]}>
          <Select
            className="field-options"
            mode="tags"
            open={false}
            placeholder="输入选项后回车"
            style={{ width: 200 }}
            tokenSeparators={[',', '，']}
          />
        </Form.Item>
      )}
      <Form.Item name={[name, 'required']} valuePropName="checked">
        <Checkbox className="field-required">必填</Checkbox>
      </Form.Item>
      <Form.Item name={[name, 'help']} hidden>
        <Input />
      </Form.Item>
      <RowButtons first={index === 0} last={last} onUp={onUp} onDown={onDown} onRemove={onRemove} />
    </Space>
  );
}
