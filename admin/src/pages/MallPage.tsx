// 积分商城: the points mall of the area. 商品 lists the goods and services (`GET /volunteer/mall/items?all=true`,
// also those off the shelf) with price in points, stock and state; community admins (the server's mall_items
// create/update) add one (`POST`) or edit name, description, price and stock (`PATCH`) in a drawer, and put it
// 上架/下架 (`PATCH active`). 兑换订单 lists the redemptions of the area (`GET /volunteer/redemptions`) filtered by
// state; staff who hand them over (redemptions update) 发放 after checking the pickup code the resident shows
// (`POST /:id/fulfil`), or 取消 with a reason (`POST /:id/cancel`): the stock and the points come back.
// The API has no picture for a mall item, so the drawer has no upload.
import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useSearchParams } from 'react-router-dom';
import type { MallItem, Redemption } from '@linli/contracts';
import { ApiError, api, type Page } from '../api';
import { useSession } from '../session';
import { formatTime } from '../labels';

const PAGE_SIZE = 20;

const KIND: Record<string, string> = { goods: '实物', service: '服务' };
const REDEMPTION_STATUS: Record<string, { text: string; color: string }> = {
  reserved: { text: '待发放', color: 'processing' },
  fulfilled: { text: '已发放', color: 'success' },
  cancelled: { text: '已取消', color: 'default' },
};

/** The server's English messages for the mall, in Chinese; others with the server's words after a Chinese line. */
function mallError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  const m = err.message;
  if (/pickup code/i.test(m)) return '取货码不正确，请核对居民出示的取货码';
  if (/already (fulfilled|cancelled)|not reserved/i.test(m)) return '该订单已被处理，请刷新后查看';
  if (/Name the community/.test(m)) return '请先在顶部“管辖范围”选择一个社区';
  if (err.status === 403) return `没有权限（${m}）`;
  if (err.status === 404) return `未找到（${m}），请刷新后重试`;
  return `操作失败（${m}）`;
}

interface ItemForm {
  name: string;
  description?: string;
  kind: 'goods' | 'service';
  pointsPrice: number;
  stock: number;
  providerName?: string;
  active: boolean;
}

function ItemsTab() {
  const { message } = App.useApp();
  const { can, user, scope } = useSession();
  const manage = can('mall.manage');
  const [search, setSearch] = useSearchParams();
  const pageNo = Number(search.get('page')) || 1;
  const [page, setPage] = useState<Page<MallItem> | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<MallItem | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [form] = Form.useForm<ItemForm>();

  useEffect(() => {
    setLoading(true);
    api<Page<MallItem>>('/volunteer/mall/items', {
      query: { all: 'true', page: pageNo, pageSize: PAGE_SIZE },
    })
      .then((p) => {
        setPage(p);
        setFailed(null);
      })
      .catch((err) => setFailed(mallError(err)))
      .finally(() => setLoading(false));
  }, [pageNo, reload, scope]);

  const open = (item: MallItem | 'new') => {
    setEditing(item);
    form.setFieldsValue(
      item === 'new'
        ? {
            name: '',
            description: '',
            kind: 'goods',
            pointsPrice: 10,
            stock: 10,
            providerName: '',
            active: true,
          }
        : {
            name: item.name,
            description: item.description,
            kind: item.kind,
            pointsPrice: item.pointsPrice,
            stock: item.stock,
            providerName: item.providerName,
            active: item.active,
          },
    );
  };

  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      if (editing === 'new') {
        const grant = user?.roles[scope];
        await api('/volunteer/mall/items', {
          body: {
            name: v.name.trim(),
            description: v.description?.trim() ?? '',
            kind: v.kind,
            pointsPrice: v.pointsPrice,
            stock: v.stock,
            // without a provider the item is the community's own (as the demo's 凤凰社区 items are)
            ...(v.providerName?.trim() || grant?.orgUnitName
              ? { providerName: v.providerName?.trim() || grant!.orgUnitName! }
              : {}),
            ...(grant?.role === 'community_admin' ? { communityId: grant.orgUnitId } : {}),
          },
        });
        message.success(`已上架：${v.name.trim()}`);
      } else if (editing) {
        await api(`/volunteer/mall/items/${editing.id}`, {
          method: 'PATCH',
          body: {
            name: v.name.trim(),
            description: v.description?.trim() ?? '',
            pointsPrice: v.pointsPrice,
            stock: v.stock,
            active: v.active,
          },
        });
        message.success(`已保存：${v.name.trim()}`);
      }
      setEditing(null);
      setReload((n) => n + 1);
    } catch (err) {
      message.error(mallError(err));
    } finally {
      setSaving(false);
    }
  };

  const shelf = async (item: MallItem) => {
    setBusy(item.id);
    try {
      await api(`/volunteer/mall/items/${item.id}`, { method: 'PATCH', body: { active: !item.active } });
      message.success(item.active ? `已下架：${item.name}` : `已上架：${item.name}`);
      setReload((n) => n + 1);
    } catch (err) {
      message.error(mallError(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Space style={{ marginBottom: 12, justifyContent: 'space-between', width: '100%' }}>
        <Typography.Text type="secondary">
          {manage ? '居民用志愿积分兑换这里的商品和服务。' : '仅社区管理员可以新增和修改商品，此处只能查看。'}
        </Typography.Text>
        {manage && (
          <Button id="mall-item-new" type="primary" onClick={() => open('new')}>
            新增商品
          </Button>
        )}
      </Space>
      {failed && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          message="商品加载失败"
          description={failed}
          action={<Button onClick={() => setReload((n) => n + 1)}>重试</Button>}
        />
      )}
      <Table<MallItem>
        id="mall-items-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{
          emptyText: <Empty description={manage ? '还没有商品，点“新增商品”添加' : '本辖区还没有商品'} />,
        }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 件`,
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
            render: (v: string, item) => (
              <Space direction="vertical" size={0}>
                <span className="mall-item-name">{v}</span>
                {item.description && (
                  <Typography.Text type="secondary" ellipsis style={{ maxWidth: 320 }}>
                    {item.description}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: '类型', dataIndex: 'kind', width: 80, render: (v: string) => KIND[v] ?? v },
          { title: '提供方', dataIndex: 'providerName', width: 140, ellipsis: true },
          { title: '所需积分', dataIndex: 'pointsPrice', width: 100, align: 'right' },
          {
            title: '库存',
            dataIndex: 'stock',
            width: 90,
            align: 'right',
            render: (v: number) => (v === 0 ? <Tag color="red">已兑完</Tag> : v),
          },
          {
            title: '状态',
            dataIndex: 'active',
            width: 90,
            render: (v: boolean) => (v ? <Tag color="success">已上架</Tag> : <Tag>已下架</Tag>),
          },
          {
            title: '操作',
            key: 'actions',
            width: 150,
            render: (_: unknown, item) =>
              manage ? (
                <Space>
                  <Button size="small" className="mall-item-edit" onClick={() => open(item)}>
                    编辑
                  </Button>
                  <Button
                    size="small"
                    className="mall-item-shelf"
                    loading={busy === item.id}
                    onClick={() => void shelf(item)}
                  >
                    {item.active ? '下架' : '上架'}
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">仅可查看</Typography.Text>
              ),
          },
        ]}
      />
      <Drawer
        title={editing === 'new' ? '新增商品' : editing ? `编辑：${editing.name}` : ''}
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={460}
        destroyOnHidden
        extra={
          <Button id="mall-item-save" type="primary" loading={saving} onClick={() => void save()}>
            保存
          </Button>
        }
      >
        <Form form={form} layout="vertical" id="mall-item-form">
          <Form.Item
            name="name"
            label="名称"
            rules={[{ required: true, whitespace: true, message: '请填写名称' }]}
          >
            <Input id="mall-item-name" maxLength={60} showCount placeholder="如：洗衣液 1 瓶" />
          </Form.Item>
          <Form.Item name="description" label="说明">
            <Input.TextArea
              id="mall-item-description"
              rows={3}
              maxLength={500}
              showCount
              placeholder="规格、领取地点和时间等"
            />
          </Form.Item>
          <Form.Item name="kind" label="类型">
            <Radio.Group
              disabled={editing !== 'new'}
              options={[
                { value: 'goods', label: '实物' },
                { value: 'service', label: '服务' },
              ]}
            />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item name="providerName" label="提供方" extra="不填则为本社区">
              <Input id="mall-item-provider" maxLength={100} placeholder="社区，或提供商品的商户名称" />
            </Form.Item>
          )}
          <Space size="large">
            <Form.Item
              name="pointsPrice"
              label="所需积分"
              rules={[{ required: true, message: '请填写所需积分' }]}
            >
              <InputNumber id="mall-item-points" min={1} max={100000} precision={0} />
            </Form.Item>
            <Form.Item
              name="stock"
              label="库存"
              rules={[{ required: true, message: '请填写库存' }]}
              extra={editing !== 'new' ? '补货或盘点后填写现有数量' : undefined}
            >
              <InputNumber id="mall-item-stock" min={0} max={100000} precision={0} />
            </Form.Item>
          </Space>
          {editing !== 'new' && (
            <Form.Item name="active" label="上架" valuePropName="checked">
              <Switch id="mall-item-active" checkedChildren="上架" unCheckedChildren="下架" />
            </Form.Item>
          )}
        </Form>
      </Drawer>
    </>
  );
}

function OrdersTab() {
  const { message } = App.useApp();
  const { can, scope } = useSession();
  const handle = can('redemptions.handle');
  const [search, setSearch] = useSearchParams();
  const status = search.get('status') ?? 'reserved';
  const pageNo = Number(search.get('page')) || 1;
  const [page, setPage] = useState<Page<Redemption> | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [fulfilling, setFulfilling] = useState<Redemption | null>(null);
  const [cancelling, setCancelling] = useState<Redemption | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setLoading(true);
    api<Page<Redemption>>('/volunteer/redemptions', {
      query: { status: status === 'all' ? undefined : status, page: pageNo, pageSize: PAGE_SIZE },
    })
      .then((p) => {
        setPage(p);
        setFailed(null);
      })
      .catch((err) => setFailed(mallError(err)))
      .finally(() => setLoading(false));
  }, [status, pageNo, reload, scope]);

  const close = () => {
    setFulfilling(null);
    setCancelling(null);
    setText('');
  };

  const act = async (r: Redemption, kind: 'fulfil' | 'cancel') => {
    setBusy(true);
    try {
      await api(`/volunteer/redemptions/${r.id}/${kind}`, {
        body: kind === 'fulfil' ? { pickupCode: text.trim() } : { reason: text.trim() },
      });
      message.success(
        kind === 'fulfil'
          ? `已发放：${r.userName} 的 ${r.itemName}`
          : `已取消：${r.points} 积分已退回 ${r.userName}`,
      );
      close();
      setReload((n) => n + 1);
    } catch (err) {
      message.error(mallError(err));
    } finally {
      setBusy(false);
    }
  };

  const setFilter = (v: string) => {
    const next = new URLSearchParams(search);
    next.set('status', v);
    next.delete('page');
    setSearch(next);
  };

  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">状态</Typography.Text>
        <Select
          id="redemption-status"
          style={{ width: 140 }}
          value={status}
          onChange={setFilter}
          options={[
            { value: 'reserved', label: '待发放' },
            { value: 'fulfilled', label: '已发放' },
            { value: 'cancelled', label: '已取消' },
            { value: 'all', label: '全部' },
          ]}
        />
      </Space>
      {failed && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          message="兑换订单加载失败"
          description={failed}
          action={<Button onClick={() => setReload((n) => n + 1)}>重试</Button>}
        />
      )}
      <Table<Redemption>
        id="redemptions-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{
          emptyText: (
            <Empty description={status === 'reserved' ? '没有待发放的兑换' : '没有符合条件的兑换订单'} />
          ),
        }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 单`,
          onChange: (p) => {
            const next = new URLSearchParams(search);
            next.set('page', String(p));
            setSearch(next);
          },
        }}
        columns={[
          { title: '兑换人', dataIndex: 'userName', width: 110 },
          { title: '商品', dataIndex: 'itemName', render: (v: string, r) => `${v} × ${r.quantity}` },
          { title: '提供方', dataIndex: 'providerName', width: 120, ellipsis: true },
          { title: '积分', dataIndex: 'points', width: 80, align: 'right' },
          { title: '兑换时间', dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v) },
          {
            title: '状态',
            dataIndex: 'status',
            width: 190,
            render: (v: string, r) => (
              <Space direction="vertical" size={0}>
                <Tag color={REDEMPTION_STATUS[v]?.color}>{REDEMPTION_STATUS[v]?.text ?? v}</Tag>
                {r.fulfilledAt && (
                  <Typography.Text type="secondary">{formatTime(r.fulfilledAt)}</Typography.Text>
                )}
                {r.cancelReason && <Typography.Text type="secondary">原因：{r.cancelReason}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: '操作',
            key: 'actions',
            width: 150,
            render: (_: unknown, r) =>
              r.status !== 'reserved' ? (
                '—'
              ) : handle ? (
                <Space>
                  <Button
                    size="small"
                    type="primary"
                    className="redemption-fulfil"
                    onClick={() => setFulfilling(r)}
                  >
                    发放
                  </Button>
                  <Button size="small" danger className="redemption-cancel" onClick={() => setCancelling(r)}>
                    取消
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">仅可查看</Typography.Text>
              ),
          },
        ]}
      />
      <Modal
        title={fulfilling ? `发放：${fulfilling.itemName} × ${fulfilling.quantity}` : '发放'}
        open={fulfilling !== null}
        onCancel={close}
        onOk={() => fulfilling && void act(fulfilling, 'fulfil')}
        okText="核对并发放"
        cancelText="返回"
        confirmLoading={busy}
        okButtonProps={{ id: 'redemption-fulfil-confirm', disabled: !text.trim() }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          请 {fulfilling?.userName} 出示小程序“我的兑换”中的取货码，输入后核对发放。
        </Typography.Paragraph>
        <Input
          id="redemption-pickup-code"
          maxLength={20}
          value={text}
          placeholder="取货码"
          onChange={(e) => setText(e.target.value)}
        />
      </Modal>
      <Modal
        title={cancelling ? `取消 ${cancelling.userName} 的兑换` : '取消兑换'}
        open={cancelling !== null}
        onCancel={close}
        onOk={() => cancelling && void act(cancelling, 'cancel')}
        okText="取消兑换"
        cancelText="返回"
        confirmLoading={busy}
        okButtonProps={{ id: 'redemption-cancel-confirm', danger: true, disabled: !text.trim() }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          取消后库存恢复，{cancelling?.points} 积分退回兑换人。请写明原因，兑换人会看到。
        </Typography.Paragraph>
        <Input.TextArea
          id="redemption-cancel-reason"
          rows={3}
          maxLength={200}
          showCount
          value={text}
          placeholder="如：商品已过期，无法发放"
          onChange={(e) => setText(e.target.value)}
        />
      </Modal>
    </>
  );
}

export function MallPage() {
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') === 'orders' ? 'orders' : 'items';
  if (!can('mall.read')) {
    return (
      <Card title="积分商城">
        <Empty description="此角色不能查看积分商城" />
      </Card>
    );
  }
  return (
    <Card title="积分商城">
      <Tabs
        id="mall-tabs"
        activeKey={tab}
        onChange={(k) => setSearch(k === 'orders' ? { tab: 'orders' } : {})}
        items={[
          { key: 'items', label: '商品', children: tab === 'items' ? <ItemsTab /> : null },
          { key: 'orders', label: '兑换订单', children: tab === 'orders' ? <OrdersTab /> : null },
        ]}
      />
    </Card>
  );
}
