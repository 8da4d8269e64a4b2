// 设备管理 › 设备网关: the device bridges of the area (GET /device-bridges: id, name, community, active, when it
// last posted), 新增网关 for the community being looked at (POST /device-bridges: id, name, communityId) and 重置密钥
// after a confirmation (POST /device-bridges/:id/rotate-secret: the old secret stops working at once). The server
// answers the secret only on those two calls, so it is shown once, in a modal with a copy button and the
// environment the bridge reads (device-bridge/src/config.ts); it is never kept, logged or shown again. Only
// community admins (the server's devices manage) have this tab. The API gives no creation time of a bridge.
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { CopyOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { ApiError, api } from '../api';
import { useSession } from '../session';
import { formatTime, timeAgo } from '../labels';
import { problemsOf, scopeCommunityId, useScopeUnits } from '../org-scope';

interface Bridge {
  id: string;
  name: string;
  communityId: string;
  active: boolean;
  lastSeenAt: string | null;
}
type BridgeWithSecret = Bridge & { secret: string };

/** a bridge that posted within this long is shown 在线 (it sends heartbeats every minute while devices report) */
const ONLINE_WITHIN_MS = 10 * 60_000;

const ID_RULE = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** The server's English errors for bridges in Chinese; any other a Chinese line with its words. */
function bridgeError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const m = err.message;
  let found: RegExpExecArray | null;
  const problems = problemsOf(err.details);
  if (err.status === 400 && problems.length > 0)
    return problems
      .map((p) => {
        const field = p.path.split('.').pop() ?? p.path;
        if (field === 'id') return '网关编号：须为 2 至 63 位小写字母、数字或 -，以字母或数字开头';
        if (field === 'name') return '名称：必填，最多 100 个字';
        if (field === 'communityId') return '所属社区：请选择社区';
        return `${p.path}：不符合要求（${p.message}）`;
      })
      .join('；');
  if ((found = /^A bridge with id (.+) exists already$/.exec(m)))
    return `网关编号 ${found[1]} 已被使用，请换一个`;
  if (/^You may create bridges only for your own community/.test(m)) return '只能为本社区新增设备网关';
  if (err.status === 404 && /^Community/.test(m)) return '所选社区不存在';
  if (err.status === 403) return `没有权限（${m}）`;
  if (err.status === 404) return `网关不存在（${m}）`;
  return `操作失败（${m}）`;
}

export function BridgesTab() {
  const { message } = App.useApp();
  const { user, scope } = useSession();
  const scopeUnits = useScopeUnits();
  const [items, setItems] = useState<Bridge[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [shown, setShown] = useState<{ bridge: BridgeWithSecret; rotated: boolean } | null>(null);
  const communityId = scopeCommunityId(user, scope, scopeUnits.byId);
  const communityName = (id: string) => scopeUnits.allById.get(id)?.name ?? '—';

  useEffect(() => {
    setLoading(true);
    api<{ items: Bridge[] }>('/device-bridges')
      .then((r) => setItems(r.items))
      .catch((err) => {
        setItems([]);
        message.error(bridgeError(err));
      })
      .finally(() => setLoading(false));
  }, [reload, message]);

  const rotate = async (b: Bridge) => {
    setBusy(b.id);
    try {
      const next = await api<BridgeWithSecret>(`/device-bridges/${encodeURIComponent(b.id)}/rotate-secret`, {
        method: 'POST',
      });
      setShown({ bridge: next, rotated: true });
      setReload((n) => n + 1);
    } catch (err) {
      message.error(bridgeError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <div style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Text type="secondary">
          设备网关把小区内摄像头、门禁等设备的事件签名后转发到平台；每个网关凭自己的编号和密钥接入。
        </Typography.Text>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => setReload((n) => n + 1)}>
            刷新
          </Button>
          <Button
            id="bridge-add"
            type="primary"
            icon={<PlusOutlined />}
            disabled={!communityId}
            title={communityId || scopeUnits.loading ? undefined : '请在上方切换到社区范围后再新增'}
            onClick={() => setCreating(true)}
          >
            新增网关
          </Button>
        </Space>
      </div>
      <Table<Bridge>
        id="bridges-table"
        rowKey="id"
        loading={loading}
        dataSource={items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description="辖区内还没有设备网关，点击“新增网关”登记" /> }}
        columns={[
          {
            title: '名称',
            dataIndex: 'name',
            render: (v: string, b: Bridge) => (
              <Space size={4}>
                <span>{v}</span>
                {!b.active && <Tag>已停用</Tag>}
              </Space>
            ),
          },
          {
            title: '网关编号（BRIDGE_ID）',
            dataIndex: 'id',
            width: 220,
            render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
          },
          {
            title: '所属社区',
            dataIndex: 'communityId',
            width: 160,
            render: (v: string) => communityName(v),
          },
          {
            title: '状态',
            key: 'seen',
            width: 240,
            render: (_: unknown, b: Bridge) => {
              const online =
                !!b.lastSeenAt && Date.now() - new Date(b.lastSeenAt).getTime() < ONLINE_WITHIN_MS;
              return (
                <Space size={4} className="bridge-state">
                  {online ? <Tag color="success">在线</Tag> : <Tag color="default">离线</Tag>}
                  <Typography.Text type="secondary" title={formatTime(b.lastSeenAt)}>
                    {b.lastSeenAt ? `最后上报 ${timeAgo(b.lastSeenAt)}` : '从未上报'}
                  </Typography.Text>
                </Space>
              );
            },
          },
          {
            title: '操作',
            key: 'actions',
            width: 120,
            render: (_: unknown, b: Bridge) => (
              <Popconfirm
                title="重置密钥"
                description={
                  <div style={{ maxWidth: 300 }}>
                    重置后旧密钥立即失效，网关在换上新密钥之前无法上报事件。确定重置“{b.name}”的密钥？
                  </div>
                }
                okText="重置"
                cancelText="取消"
                okButtonProps={{ danger: true, className: 'bridge-rotate-confirm' }}
                onConfirm={() => rotate(b)}
              >
                <Button size="small" danger className="bridge-rotate" loading={busy === b.id}>
                  重置密钥
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <CreateBridgeModal
        open={creating}
        communityId={communityId}
        communityName={communityId ? communityName(communityId) : '—'}
        onClose={() => setCreating(false)}
        onSaved={(b) => {
          setCreating(false);
          setShown({ bridge: b, rotated: false });
          setReload((n) => n + 1);
        }}
      />
      <SecretModal shown={shown} onClose={() => setShown(null)} />
    </>
  );
}

interface CreateValues {
  id: string;
  name: string;
}

function CreateBridgeModal({
  open,
  communityId,
  communityName,
  onClose,
  onSaved,
}: {
  open: boolean;
  communityId: string | undefined;
  communityName: string;
  onClose: () => void;
  onSaved: (b: BridgeWithSecret) => void;
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
      const created = await api<BridgeWithSecret>('/device-bridges', {
        body: { id: v.id.trim(), name: v.name.trim(), communityId },
      });
      onSaved(created);
    } catch (err) {
      setError(bridgeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title="新增设备网关"
      onCancel={onClose}
      onOk={() => void save()}
      okText="新增并生成密钥"
      cancelText="取消"
      confirmLoading={saving}
      okButtonProps={{ id: 'bridge-save' }}
      destroyOnHidden
    >
      {error && (
        <Typography.Paragraph id="bridge-error" type="danger">
          {error}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item label="所属社区">
          <Typography.Text id="bridge-community">{communityName}</Typography.Text>
        </Form.Item>
        <Form.Item
          name="id"
          label="网关编号"
          extra="网关配置中的 BRIDGE_ID：2 至 63 位小写字母、数字或 -，如 fh-bridge-1；创建后不能修改"
          rules={[
            { required: true, whitespace: true, message: '请填写网关编号' },
            { pattern: ID_RULE, message: '须为 2 至 63 位小写字母、数字或 -，以字母或数字开头' },
          ]}
        >
          <Input id="bridge-id" maxLength={63} autoComplete="off" placeholder="如 fh-bridge-1" />
        </Form.Item>
        <Form.Item
          name="name"
          label="名称"
          rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
        >
          <Input id="bridge-name" maxLength={100} placeholder="如：凤凰小区监控室网关" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The secret, once: a copy button, the warning, and the environment the bridge reads it from. */
function SecretModal({
  shown,
  onClose,
}: {
  shown: { bridge: BridgeWithSecret; rotated: boolean } | null;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const bridge = shown?.bridge;
  const env = useMemo(
    () =>
      bridge
        ? [
            `BRIDGE_ID=${bridge.id}`,
            `DEVICE_BRIDGE_SECRET=${bridge.secret}`,
            `SERVER_URL=${window.location.origin}`,
          ].join('\n')
        : '',
    [bridge],
  );

  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      message.success(`${what}已复制`);
    } catch {
      message.error('无法写入剪贴板，请手动选中复制');
    }
  };

  return (
    <Modal
      open={!!shown}
      title={shown?.rotated ? `新密钥 · ${bridge?.name ?? ''}` : `网关已创建 · ${bridge?.name ?? ''}`}
      onCancel={onClose}
      maskClosable={false}
      keyboard={false}
      width={640}
      destroyOnHidden
      footer={
        <Button id="bridge-secret-done" type="primary" onClick={onClose}>
          我已保存密钥
        </Button>
      }
    >
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title="密钥只显示这一次"
        description={
          shown?.rotated
            ? '关闭后无法再次查看。旧密钥已经失效，请尽快把新密钥配置到网关并重启，否则网关无法上报事件。'
            : '关闭后无法再次查看，平台也不能再调出。如遗失，只能“重置密钥”生成新的。'
        }
      />
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          { key: 'id', label: '网关编号', children: <Typography.Text code>{bridge?.id}</Typography.Text> },
          {
            key: 'secret',
            label: '密钥',
            children: (
              <Space>
                <Typography.Text code id="bridge-secret" style={{ wordBreak: 'break-all' }}>
                  {bridge?.secret}
                </Typography.Text>
                <Button
                  id="bridge-secret-copy"
                  size="small"
                  icon={<CopyOutlined />}
                  onClick={() => void copy(bridge?.secret ?? '', '密钥')}
                >
                  复制
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 8 }}>
        在网关所在机器上设置以下环境变量（device-bridge 读取），然后重启网关：
      </Typography.Paragraph>
      <pre id="bridge-env" className="bridge-env" style={{ background: '#f5f5f5', padding: 12, margin: 0 }}>
        {env}
      </pre>
      <Space style={{ marginTop: 8 }}>
        <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(env, '环境变量')}>
          复制环境变量
        </Button>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {
          '另需 BRIDGE_DATA_KEY（32 字节，base64 或十六进制，用于加密网关本地排队的事件），首次部署时生成一次并妥善保存；重置密钥不需要更换它。'
        }
      </Typography.Paragraph>
    </Modal>
  );
}
