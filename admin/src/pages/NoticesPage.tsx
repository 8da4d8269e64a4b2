// 公告管理: notices (社区公告) and party-building news (党建) of the caller's area (GET /notices, all states for
// admins), filtered by kind, state and keyword; a drawer writes one for the community or street of the scope
// selector (POST /notices), edits it (PATCH), saves a draft, publishes (发布) or withdraws (撤回) it. The body is
// plain text: blank lines separate paragraphs, and the preview shows exactly what readers will see.
import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Drawer,
  Empty,
  Form,
  Input,
  Popconfirm,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { PlusOutlined, PushpinFilled, UploadOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router-dom';
import type { Notice, NoticeKind, NoticeStatus } from '@linli/contracts';
import { ApiError, api, currentSession, type Page } from '../api';
import { useSession } from '../session';
import { formatTime } from '../labels';

const PAGE_SIZE = 20;
const KIND: Record<NoticeKind, { text: string; color: string }> = {
  notice: { text: '社区公告', color: 'blue' },
  party_news: { text: '党建动态', color: 'red' },
};
const STATUS: Record<NoticeStatus, { text: string; color: string }> = {
  draft: { text: '草稿', color: 'default' },
  published: { text: '已发布', color: 'success' },
  withdrawn: { text: '已撤回', color: 'warning' },
};
const FIELD: Record<string, string> = {
  title: '标题',
  body: '正文',
  kind: '类型',
  coverFileId: '封面图片',
  attachmentFileIds: '附件',
  orgUnitId: '发布范围',
};

/** The server's errors in Chinese: 400s name the field, 409s say the notice changed state. */
function noticeError(err: unknown): string {
  if (!(err instanceof ApiError)) return '网络错误，请检查连接';
  if (err.status >= 500) return '服务器出错，请稍后再试';
  if (err.status === 403) return `没有权限（${err.message}）`;
  if (err.status === 404) return '公告不存在或不在您的管辖范围内，请刷新';
  if (err.status === 409) {
    if (/already published/.test(err.message)) return '该公告已发布，请刷新后查看';
    if (/withdrawn/.test(err.message) || /Only a published/.test(err.message))
      return '公告状态已变化，请刷新后再试';
    return `公告状态已变化（${err.message}）`;
  }
  const field = Object.keys(FIELD).find((f) => err.message.includes(f));
  return field ? `${FIELD[field]}填写有误（${err.message}）` : `操作失败（${err.message}）`;
}

/** Paragraphs as readers see them: text only, never markup. */
export function NoticeBody({ body }: { body: string }) {
  const paragraphs = body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!paragraphs.length) return <Typography.Text type="secondary">（正文为空）</Typography.Text>;
  return (
    <>
      {paragraphs.map((p, i) => (
        <Typography.Paragraph key={i} style={{ whiteSpace: 'pre-wrap', textIndent: '2em' }}>
          {p}
        </Typography.Paragraph>
      ))}
    </>
  );
}

interface Draft {
  title: string;
  kind: NoticeKind;
  body: string;
  pinned: boolean;
  coverFileId: string | null;
}

const EMPTY: Draft = { title: '', kind: 'notice', body: '', pinned: false, coverFileId: null };

function CoverPreview({ noticeId, fileId }: { noticeId?: string; fileId: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    const token = currentSession()?.accessToken;
    fetch(noticeId ? `/api/v1/notices/${noticeId}/cover` : `/api/v1/files/${fileId}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    })
      .then((r) => (r.ok ? r.blob() : null))
      .then((b) => {
        if (b) setSrc((url = URL.createObjectURL(b)));
      })
      .catch(() => setSrc(null));
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [noticeId, fileId]);
  return src ? (
    <img
      id="notice-cover-preview"
      src={src}
      alt="封面"
      style={{ maxWidth: '100%', maxHeight: 160, borderRadius: 6 }}
    />
  ) : (
    <Typography.Text type="secondary">封面加载中…</Typography.Text>
  );
}

export function NoticesPage() {
  const { message } = App.useApp();
  const { can, user, scope } = useSession();
  const [search, setSearch] = useSearchParams();
  const kind = (search.get('kind') as NoticeKind | null) ?? undefined;
  const status = (search.get('status') as NoticeStatus | null) ?? undefined;
  const q = search.get('q') ?? '';
  const pageNo = Number(search.get('page')) || 1;
  const [page, setPage] = useState<Page<Notice> | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<Notice | 'new' | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const allowed = can('notices.manage');
  const grant = user?.roles[scope];
  // a community admin writes for their community, a street admin for their street (all its communities)
  const target =
    grant && (grant.role === 'community_admin' || grant.role === 'street_admin') ? grant : undefined;

  useEffect(() => {
    if (!allowed) return;
    setLoading(true);
    setLoadError(null);
    api<Page<Notice>>('/notices', {
      query: { kind, status, q: q || undefined, page: pageNo, pageSize: PAGE_SIZE },
    })
      .then(setPage)
      .catch((err) => setLoadError(noticeError(err)))
      .finally(() => setLoading(false));
  }, [allowed, kind, status, q, pageNo, reload]);

  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('page');
    setSearch(next);
  };

  const open = (n: Notice | 'new') => {
    setEditing(n);
    setFormError(null);
    setDraft(
      n === 'new'
        ? EMPTY
        : { title: n.title, kind: n.kind, body: n.body, pinned: n.pinned, coverFileId: n.coverFileId },
    );
  };

  /** Saves the drawer (creating the notice first when new), then publishes it when asked. */
  const save = async (then?: 'publish') => {
    setBusy(then ?? 'save');
    setFormError(null);
    try {
      let saved: Notice;
      if (editing === 'new') {
        if (!target) throw new Error('请在上方“管辖范围”中选择社区或街道管理员身份');
        saved = await api<Notice>('/notices', {
          body: { orgUnitId: target.orgUnitId, ...draft, coverFileId: draft.coverFileId ?? undefined },
        });
      } else {
        saved = await api<Notice>(`/notices/${editing!.id}`, { method: 'PATCH', body: draft });
      }
      if (then === 'publish') saved = await api<Notice>(`/notices/${saved.id}/publish`, { method: 'POST' });
      message.success(then === 'publish' ? `已发布：${saved.title}` : `已保存：${saved.title}`);
      setEditing(null);
      setReload((r) => r + 1);
    } catch (err) {
      setFormError(err instanceof ApiError ? noticeError(err) : (err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const act = async (n: Notice, action: 'publish' | 'withdraw' | 'delete') => {
    setBusy(`${action}-${n.id}`);
    try {
      if (action === 'delete') await api(`/notices/${n.id}`, { method: 'DELETE' });
      else await api(`/notices/${n.id}/${action}`, { method: 'POST' });
      message.success({ publish: '已发布', withdraw: '已撤回', delete: '已删除' }[action] + `：${n.title}`);
      setReload((r) => r + 1);
    } catch (err) {
      message.error(noticeError(err));
    } finally {
      setBusy(null);
    }
  };

  const uploadCover = async (file: File) => {
    if (!['image/jpeg', 'image/png', 'image/webp'].includes(file.type)) {
      message.error('封面只能是 JPG、PNG 或 WebP 图片');
      return;
    }
    setBusy('cover');
    try {
      const info = await api<{ id: string }>('/files', {
        raw: { data: file, contentType: file.type },
        query: { name: file.name },
      });
      setDraft((d) => ({ ...d, coverFileId: info.id }));
    } catch (err) {
      message.error(`上传失败：${noticeError(err)}`);
    } finally {
      setBusy(null);
    }
  };

  if (!allowed) {
    return (
      <Card title="公告管理">
        <Empty description="此角色不能管理公告；公告由社区、街道管理员发布" />
      </Card>
    );
  }

  const current = editing === 'new' ? null : editing;
  return (
    <Card
      title="公告管理"
      extra={
        <Button id="notice-new" type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
          写公告
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          id="notice-kind-filter"
          allowClear
          placeholder="全部类型"
          style={{ width: 140 }}
          value={kind}
          onChange={(v) => setFilter('kind', v)}
          options={Object.entries(KIND).map(([value, k]) => ({ value, label: k.text }))}
        />
        <Select
          id="notice-status-filter"
          allowClear
          placeholder="全部状态"
          style={{ width: 140 }}
          value={status}
          onChange={(v) => setFilter('status', v)}
          options={Object.entries(STATUS).map(([value, s]) => ({ value, label: s.text }))}
        />
        <Input.Search
          id="notice-search"
          allowClear
          placeholder="搜索标题或正文"
          defaultValue={q}
          style={{ width: 240 }}
          onSearch={(v) => setFilter('q', v.trim() || undefined)}
        />
      </Space>
      {loadError && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={`公告加载失败：${loadError}`}
          action={<Button onClick={() => setReload((r) => r + 1)}>重试</Button>}
        />
      )}
      <Table<Notice>
        id="notices-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        locale={{ emptyText: <Empty description="暂无公告，点击右上角“写公告”发布第一条" /> }}
        pagination={{
          current: pageNo,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 条`,
          onChange: (p) => {
            const next = new URLSearchParams(search);
            next.set('page', String(p));
            setSearch(next);
          },
        }}
        columns={[
          {
            title: '标题',
            dataIndex: 'title',
            ellipsis: true,
            render: (v: string, n) => (
              <Space>
                {n.pinned && <PushpinFilled style={{ color: '#fa541c' }} title="置顶" />}
                <a className="notice-title" onClick={() => open(n)}>
                  {v}
                </a>
              </Space>
            ),
          },
          {
            title: '类型',
            dataIndex: 'kind',
            width: 110,
            render: (v: NoticeKind) => <Tag color={KIND[v].color}>{KIND[v].text}</Tag>,
          },
          { title: '发布范围', dataIndex: 'orgUnitName', width: 120 },
          {
            title: '状态',
            dataIndex: 'status',
            width: 90,
            render: (v: NoticeStatus) => (
              <Tag className="notice-status" color={STATUS[v].color}>
                {STATUS[v].text}
              </Tag>
            ),
          },
          {
            title: '发布时间',
            dataIndex: 'publishedAt',
            width: 170,
            render: (v: string | null) => formatTime(v),
          },
          { title: '发布人', dataIndex: 'authorName', width: 110 },
          {
            title: '操作',
            key: 'actions',
            width: 170,
            render: (_: unknown, n) => (
              <Space>
                <Button size="small" className="notice-edit" onClick={() => open(n)}>
                  编辑
                </Button>
                {n.status !== 'published' ? (
                  <Button
                    size="small"
                    type="primary"
                    className="notice-publish"
                    loading={busy === `publish-${n.id}`}
                    onClick={() => void act(n, 'publish')}
                  >
                    发布
                  </Button>
                ) : (
                  <Popconfirm
                    title="撤回后居民将看不到这条公告，确定撤回？"
                    onConfirm={() => act(n, 'withdraw')}
                  >
                    <Button
                      size="small"
                      danger
                      className="notice-withdraw"
                      loading={busy === `withdraw-${n.id}`}
                    >
                      撤回
                    </Button>
                  </Popconfirm>
                )}
                {n.status === 'draft' && (
                  <Popconfirm title="删除这份草稿？" onConfirm={() => act(n, 'delete')}>
                    <Button size="small" type="text" danger className="notice-delete">
                      删除
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Drawer
        id="notice-drawer"
        title={editing === 'new' ? '写公告' : '编辑公告'}
        open={editing !== null}
        width={920}
        onClose={() => setEditing(null)}
        destroyOnHidden
        extra={
          <Space>
            <Button id="notice-save" loading={busy === 'save'} disabled={!!busy} onClick={() => void save()}>
              保存草稿
            </Button>
            {current?.status !== 'published' ? (
              <Button
                id="notice-save-publish"
                type="primary"
                loading={busy === 'publish'}
                disabled={!!busy}
                onClick={() => void save('publish')}
              >
                发布
              </Button>
            ) : (
              <Button id="notice-save-publish" type="primary" disabled={!!busy} onClick={() => void save()}>
                保存修改
              </Button>
            )}
          </Space>
        }
      >
        {editing === 'new' && (
          <Alert
            style={{ marginBottom: 16 }}
            type={target ? 'info' : 'warning'}
            showIcon
            message={
              target
                ? `发布范围：${target.orgUnitName ?? ''}${grant?.role === 'street_admin' ? '（街道下所有社区的居民都能看到）' : ''}`
                : '请在上方“管辖范围”中选择社区或街道管理员身份，再写公告'
            }
          />
        )}
        {formError && (
          <Alert
            id="notice-form-error"
            style={{ marginBottom: 16 }}
            type="error"
            showIcon
            message={formError}
          />
        )}
        <Row gutter={24}>
          <Col span={13}>
            <Form layout="vertical">
              <Form.Item label="类型" required>
                <Radio.Group
                  id="notice-kind"
                  value={draft.kind}
                  onChange={(e) => setDraft({ ...draft, kind: e.target.value as NoticeKind })}
                  options={Object.entries(KIND).map(([value, k]) => ({ value, label: k.text }))}
                />
              </Form.Item>
              <Form.Item label="标题" required>
                <Input
                  id="notice-title"
                  maxLength={60}
                  showCount
                  placeholder="例如：关于小区临时停水的通知"
                  value={draft.title}
                  onChange={(e) => setDraft({ ...draft, title: e.target.value })}
                />
              </Form.Item>
              <Form.Item label="正文" required extra="纯文本，空一行分段；不支持 HTML。">
                <Input.TextArea
                  id="notice-body"
                  rows={12}
                  maxLength={10000}
                  placeholder="写下要告诉居民的事情：时间、地点、注意事项、联系电话"
                  value={draft.body}
                  onChange={(e) => setDraft({ ...draft, body: e.target.value })}
                />
              </Form.Item>
              <Form.Item label="置顶">
                <Switch
                  id="notice-pinned"
                  checked={draft.pinned}
                  onChange={(pinned) => setDraft({ ...draft, pinned })}
                />
              </Form.Item>
              <Form.Item label="封面图片（可选）">
                <Space direction="vertical">
                  <Upload
                    accept="image/jpeg,image/png,image/webp"
                    showUploadList={false}
                    beforeUpload={(file) => {
                      void uploadCover(file);
                      return false;
                    }}
                  >
                    <Button id="notice-cover-upload" icon={<UploadOutlined />} loading={busy === 'cover'}>
                      {draft.coverFileId ? '更换封面' : '上传封面'}
                    </Button>
                  </Upload>
                  {draft.coverFileId && (
                    <Button
                      size="small"
                      type="link"
                      onClick={() => setDraft({ ...draft, coverFileId: null })}
                    >
                      移除封面
                    </Button>
                  )}
                </Space>
              </Form.Item>
            </Form>
          </Col>
          <Col span={11}>
            <Typography.Text type="secondary">预览（居民看到的样子）</Typography.Text>
            <Card id="notice-preview" size="small" style={{ marginTop: 8, background: '#fafafa' }}>
              {draft.coverFileId && (
                <CoverPreview
                  fileId={draft.coverFileId}
                  noticeId={current && current.coverFileId === draft.coverFileId ? current.id : undefined}
                />
              )}
              <Typography.Title level={5} style={{ marginTop: 8 }}>
                <Tag color={KIND[draft.kind].color}>{KIND[draft.kind].text}</Tag>
                {draft.title || <Typography.Text type="secondary">（标题）</Typography.Text>}
              </Typography.Title>
              <NoticeBody body={draft.body} />
            </Card>
          </Col>
        </Row>
      </Drawer>
    </Card>
  );
}
