// 住户审核: residents' requests to be bound to a room (GET /household-bindings?status=pending), approved (通过) or
// rejected with a reason (驳回) through POST /household-bindings/:id/review; 已处理 lists the verified and rejected
// ones. The resident's name is shown as the API gives it.
import { useEffect, useState } from 'react';
import { App, Button, Card, Empty, Input, Modal, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { ApiError, api, type Page } from '../api';
import { useSession } from '../session';
import { BINDING_STATUS, RELATION, formatTime } from '../labels';

/** What the API answers per binding (contracts Binding, which exports no type). */
export interface Binding {
  id: string;
  residentId: string;
  residentName: string;
  roomId: string;
  standardAddress: string;
  relation: 'owner' | 'tenant' | 'family';
  status: 'pending' | 'verified' | 'rejected' | 'ended';
  reviewNote: string | null;
  reviewedAt: string | null;
  createdAt: string;
}

const PAGE_SIZE = 20;

/** The address within the community (the province…community prefix is the same on every row). */
const local = (address: string) => address.replace(/^.*?社区(?=.)/, '');
export const STATUS_COLOR: Record<string, string> = {
  pending: 'processing',
  verified: 'success',
  rejected: 'error',
  ended: 'default',
};

/** The server's English messages for a review, in Chinese; others with the server's words after a Chinese line. */
export function reviewError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  if (/^This binding is (verified|rejected|ended)/.test(err.message))
    return '该申请已被其他人处理，请刷新后查看';
  if (err.status === 403) return `没有权限（${err.message}）`;
  return `操作失败（${err.message}）`;
}

export function BindingsPage() {
  const { message } = App.useApp();
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') === 'done' ? 'done' : 'pending';
  const pageNo = Number(search.get('page')) || 1;
  const [page, setPage] = useState<Page<Binding> | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<Binding | null>(null);
  const [reason, setReason] = useState('');

  useEffect(() => {
    if (!can('bindings.read')) return;
    setLoading(true);
    // the API filters by one status; 已处理 shows the verified ones and the rejected ones in two calls merged
    const load =
      tab === 'pending'
        ? api<Page<Binding>>('/household-bindings', {
            query: { status: 'pending', page: pageNo, pageSize: PAGE_SIZE },
          })
        : Promise.all(
            (['verified', 'rejected'] as const).map((status) =>
              api<Page<Binding>>('/household-bindings', {
                query: { status, page: pageNo, pageSize: PAGE_SIZE },
              }),
            ),
          ).then(([a, b]) => ({
            items: [...a!.items, ...b!.items].sort((x, y) =>
              (y.reviewedAt ?? y.createdAt).localeCompare(x.reviewedAt ?? x.createdAt),
            ),
            total: Math.max(a!.total, b!.total),
            page: pageNo,
            pageSize: PAGE_SIZE,
          }));
    load
      .then(setPage)
      .catch((err) => message.error(reviewError(err)))
      .finally(() => setLoading(false));
  }, [tab, pageNo, reload, message, can]);

  const review = async (b: Binding, decision: 'verify' | 'reject', note?: string) => {
    setBusy(b.id);
    try {
      await api(`/household-bindings/${b.id}/review`, { body: { decision, ...(note ? { note } : {}) } });
      message.success(decision === 'verify' ? `已通过：${b.residentName}` : `已驳回：${b.residentName}`);
      setRejecting(null);
      setReason('');
      setReload((n) => n + 1);
    } catch (err) {
      message.error(reviewError(err));
    } finally {
      setBusy(null);
    }
  };

  if (!can('bindings.read')) {
    return (
      <Card title="住户审核">
        <Empty description="此角色不能查看住户绑定申请" />
      </Card>
    );
  }

  return (
    <Card title="住户审核">
      <Tabs
        id="bindings-tabs"
        activeKey={tab}
        onChange={(k) => setSearch(k === 'done' ? { tab: 'done' } : {})}
        items={[
          { key: 'pending', label: '待审核' },
          { key: 'done', label: '已处理' },
        ]}
      />
      <Table<Binding>
        id="bindings-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{
          emptyText: <Empty description={tab === 'pending' ? '没有待审核的申请' : '暂无已处理的申请'} />,
        }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: tab === 'pending' ? (t) => `共 ${t} 条` : undefined,
          onChange: (p) => {
            const next = new URLSearchParams(search);
            next.set('page', String(p));
            setSearch(next);
          },
        }}
        columns={[
          { title: '申请人', dataIndex: 'residentName', width: 120 },
          {
            title: '房屋',
            dataIndex: 'standardAddress',
            ellipsis: true,
            render: (v: string) => <span title={v}>{local(v)}</span>,
          },
          {
            title: '关系',
            dataIndex: 'relation',
            width: 110,
            render: (v: string) => RELATION[v] ?? v,
          },
          { title: '申请时间', dataIndex: 'createdAt', width: 170, render: (v: string) => formatTime(v) },
          ...(tab === 'pending'
            ? [
                {
                  title: '操作',
                  key: 'actions',
                  width: 150,
                  render: (_: unknown, b: Binding) =>
                    can('bindings.verify') ? (
                      <Space>
                        <Button
                          size="small"
                          type="primary"
                          className="binding-approve"
                          loading={busy === b.id}
                          onClick={() => void review(b, 'verify')}
                        >
                          通过
                        </Button>
                        <Button
                          size="small"
                          danger
                          className="binding-reject"
                          disabled={busy === b.id}
                          onClick={() => setRejecting(b)}
                        >
                          驳回
                        </Button>
                      </Space>
                    ) : (
                      <Typography.Text type="secondary">仅可查看</Typography.Text>
                    ),
                },
              ]
            : [
                {
                  title: '结果',
                  dataIndex: 'status',
                  width: 90,
                  render: (v: string) => <Tag color={STATUS_COLOR[v]}>{BINDING_STATUS[v] ?? v}</Tag>,
                },
                {
                  title: '处理时间',
                  dataIndex: 'reviewedAt',
                  width: 170,
                  render: (v: string | null) => formatTime(v),
                },
                { title: '说明', dataIndex: 'reviewNote', render: (v: string | null) => v || '—' },
              ]),
        ]}
      />
      <Modal
        title={rejecting ? `驳回 ${rejecting.residentName} 的申请` : '驳回'}
        open={rejecting !== null}
        onCancel={() => {
          setRejecting(null);
          setReason('');
        }}
        onOk={() => rejecting && void review(rejecting, 'reject', reason.trim())}
        okText="驳回"
        cancelText="取消"
        confirmLoading={busy !== null}
        okButtonProps={{ id: 'binding-reject-confirm', danger: true, disabled: !reason.trim() }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          {rejecting?.standardAddress}。请写明驳回原因，申请人会看到。
        </Typography.Paragraph>
        <Input.TextArea
          id="binding-reject-reason"
          rows={3}
          maxLength={200}
          showCount
          value={reason}
          placeholder="如：房产证姓名与申请人不符"
          onChange={(e) => setReason(e.target.value)}
        />
      </Modal>
    </Card>
  );
}
