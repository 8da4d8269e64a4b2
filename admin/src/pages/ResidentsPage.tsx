// 居民管理: the residents in the admin's area with ID numbers and phones masked by the server; a drawer with one
// resident's details, their check-ins (探访记录), and an audited reveal of the full values with a reason.
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { EyeOutlined, UploadOutlined } from '@ant-design/icons';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { CheckIn, Resident } from '@linli/contracts';
import { api, errorText, type Page } from '../api';
import { ExportButton } from '../components/ExportButton';
import type { ExportColumn } from '../export';
import { useSession } from '../session';
import {
  BINDING_STATUS,
  CHECK_IN_METHOD,
  GENDER,
  RELATION,
  RESIDENCY,
  RESIDENT_STATUS,
  RESIDENT_TAG,
  formatTime,
} from '../labels';

const PAGE_SIZE = 20;

/** 导出 Excel: the list's columns, ID numbers and phones as the server masked them, every address in full */
const EXPORT_COLUMNS: ExportColumn<Resident>[] = [
  { header: '姓名', value: (r) => r.name, width: 12 },
  { header: '性别', value: (r) => (r.gender ? GENDER[r.gender] : ''), width: 6 },
  { header: '证件号', value: (r) => r.idNumber, width: 22 },
  { header: '手机', value: (r) => r.phone, width: 14 },
  { header: '标签', value: (r) => r.tags.map((t) => RESIDENT_TAG[t]?.text ?? t).join('、'), width: 20 },
  { header: '住址', value: (r) => r.rooms.map((x) => x.standardAddress).join('；'), width: 50 },
  { header: '户籍', value: (r) => RESIDENCY[r.residency] ?? r.residency, width: 8 },
];
/** the server's rule for a reveal reason (RevealRequest) */
const MIN_REASON = 4;

type Revealed = { idNumber?: string | null; phone?: string | null };

function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[0, 4]} wrap>
      {tags.map((t) => (
        <Tag key={t} color={RESIDENT_TAG[t]?.color}>
          {RESIDENT_TAG[t]?.text ?? t}
        </Tag>
      ))}
    </Space>
  );
}

/** The address within the community (the province…community prefix is the same on every row). */
const local = (standardAddress: string) => standardAddress.replace(/^.*?社区(?=.)/, '');

function address(r: Resident): string {
  const [first, ...rest] = r.rooms;
  if (!first) return '—';
  return rest.length
    ? `${local(first.standardAddress)} 等 ${r.rooms.length} 处`
    : local(first.standardAddress);
}

export function ResidentsPage() {
  const { message } = App.useApp();
  const { can } = useSession();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const [page, setPage] = useState<Page<Resident> | null>(null);
  const [loading, setLoading] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const q = search.get('q') ?? undefined;
  const tag = search.get('tag') ?? undefined;
  const pageNo = Number(search.get('page')) || 1;

  useEffect(() => {
    if (!can('residents.read')) return;
    setLoading(true);
    api<Page<Resident>>('/residents', { query: { q, tag, page: pageNo, pageSize: PAGE_SIZE } })
      .then(setPage)
      .catch((err) => message.error(errorText(err)))
      .finally(() => setLoading(false));
  }, [q, tag, pageNo, message, can]);

  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    next.delete('page');
    setSearch(next);
  };

  if (!can('residents.read')) {
    return (
      <Card title="居民管理">
        <Empty description="此角色不能查看居民信息" />
      </Card>
    );
  }

  return (
    <Card
      title="居民管理"
      extra={
        <Space>
          <ExportButton title="居民名单" path="/residents" query={{ q, tag }} columns={EXPORT_COLUMNS} />
          {can('imports.create') && (
            <Button
              id="residents-import"
              icon={<UploadOutlined />}
              onClick={() => navigate('/residents/import')}
            >
              导入居民
            </Button>
          )}
        </Space>
      }
    >
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label="姓名">
          <Input.Search
            key={q ?? ''}
            id="residents-search"
            allowClear
            defaultValue={q}
            placeholder="输入姓名查找"
            style={{ width: 240 }}
            onSearch={(v) => update({ q: v.trim() || undefined })}
          />
        </Form.Item>
        <Form.Item label="标签">
          <Select
            id="residents-tag"
            allowClear
            style={{ width: 160 }}
            placeholder="全部标签"
            value={tag}
            onChange={(v?: string) => update({ tag: v })}
            options={Object.entries(RESIDENT_TAG).map(([value, t]) => ({ value, label: t.text }))}
          />
        </Form.Item>
      </Form>
      <Table<Resident>
        id="residents-table"
        rowKey="id"
        loading={loading}
        dataSource={page?.items ?? []}
        onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
        locale={{ emptyText: <Empty description="没有符合条件的居民" /> }}
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
          { title: '姓名', dataIndex: 'name', width: 120 },
          {
            title: '性别',
            dataIndex: 'gender',
            width: 70,
            render: (v: string | null) => (v ? GENDER[v] : '—'),
          },
          {
            title: '证件号',
            dataIndex: 'idNumber',
            width: 200,
            render: (v: string | null) => <span>{v ?? '—'}</span>,
          },
          {
            title: '手机',
            dataIndex: 'phone',
            width: 140,
            render: (v: string | null) => <span>{v ?? '—'}</span>,
          },
          { title: '标签', dataIndex: 'tags', render: (v: string[]) => <TagList tags={v} /> },
          {
            title: '住址',
            key: 'address',
            ellipsis: true,
            render: (_: unknown, r: Resident) => (
              <span title={r.rooms.map((x) => x.standardAddress).join('\n')}>{address(r)}</span>
            ),
          },
          {
            title: '户籍',
            dataIndex: 'residency',
            width: 90,
            render: (v: string) => RESIDENCY[v] ?? v,
          },
        ]}
      />
      <ResidentDrawer id={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}

function ResidentDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { message } = App.useApp();
  const { can } = useSession();
  const [resident, setResident] = useState<Resident | null>(null);
  const [checkIns, setCheckIns] = useState<CheckIn[]>([]);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [chosen, setChosen] = useState<('idNumber' | 'phone')[]>([]);
  const [revealing, setRevealing] = useState(false);

  useEffect(() => {
    setResident(null);
    setCheckIns([]);
    setRevealed(null);
    setReason('');
    if (!id) return;
    api<Resident>(`/residents/${id}`)
      .then(setResident)
      .catch((err) => message.error(errorText(err)));
    api<{ items: CheckIn[] }>(`/residents/${id}/check-ins`)
      .then((r) => setCheckIns(r.items))
      .catch(() => setCheckIns([]));
  }, [id, message]);

  const fields = useCallback((): ('idNumber' | 'phone')[] => {
    if (!resident) return [];
    const out: ('idNumber' | 'phone')[] = [];
    if (resident.idNumber && can('residents.revealIdNumber')) out.push('idNumber');
    if (resident.phone) out.push('phone');
    return out;
  }, [resident, can]);

  const reveal = async () => {
    if (!resident) return;
    setRevealing(true);
    try {
      const out = await api<Revealed>(`/residents/${resident.id}/reveal`, {
        body: { fields: chosen, reason: reason.trim() },
      });
      setRevealed(out);
      setAsking(false);
      setReason('');
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setRevealing(false);
    }
  };

  const reasonOk = reason.trim().length >= MIN_REASON;
  const canReveal =
    resident !== null && resident.masked && !revealed && can('residents.reveal') && fields().length > 0;
  const shown = (field: 'idNumber' | 'phone') => {
    const full = revealed?.[field];
    if (full) return <span className={`revealed-${field}`}>{full}</span>;
    return <span>{resident?.[field] ?? '—'}</span>;
  };

  return (
    <Drawer
      id="resident-drawer"
      open={id !== null}
      onClose={onClose}
      size={640}
      title={resident ? `居民信息 · ${resident.name}` : '居民信息'}
      extra={
        canReveal ? (
          <Button
            id="reveal-button"
            icon={<EyeOutlined />}
            onClick={() => {
              setChosen(fields());
              setAsking(true);
            }}
          >
            查看完整信息
          </Button>
        ) : null
      }
      destroyOnHidden
    >
      {resident && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          {revealed && (
            <Alert
              id="reveal-logged"
              type="success"
              showIcon
              title="已记录查看日志"
              description="完整信息只在此处显示，关闭后重新隐藏；请勿截图外传。"
            />
          )}
          <Descriptions
            bordered
            size="small"
            column={1}
            styles={{ label: { width: 120 } }}
            items={[
              { key: 'name', label: '姓名', children: resident.name },
              { key: 'gender', label: '性别', children: resident.gender ? GENDER[resident.gender] : '—' },
              { key: 'birth', label: '出生日期', children: resident.birthDate ?? '—' },
              { key: 'idNumber', label: '证件号', children: shown('idNumber') },
              { key: 'phone', label: '手机', children: shown('phone') },
              { key: 'residency', label: '户籍类型', children: RESIDENCY[resident.residency] },
              { key: 'status', label: '状态', children: RESIDENT_STATUS[resident.status] },
              { key: 'tags', label: '标签', children: <TagList tags={resident.tags} /> },
              {
                key: 'rooms',
                label: '住址',
                children: resident.rooms.length ? (
                  <Space orientation="vertical" size={2}>
                    {resident.rooms.map((r) => (
                      <span key={r.roomId}>
                        {r.standardAddress}
                        <Typography.Text type="secondary">
                          {' '}
                          · {RELATION[r.relation] ?? r.relation} · {BINDING_STATUS[r.status] ?? r.status}
                        </Typography.Text>
                      </span>
                    ))}
                  </Space>
                ) : (
                  '—'
                ),
              },
              { key: 'notes', label: '备注', children: resident.notes || '—' },
            ]}
          />
          <div id="resident-check-ins">
            <Typography.Title level={5}>探访记录</Typography.Title>
            <List<CheckIn>
              size="small"
              bordered
              dataSource={checkIns}
              locale={{ emptyText: '暂无探访记录' }}
              renderItem={(c) => (
                <List.Item>
                  <Space orientation="vertical" size={0}>
                    <Space>
                      <Typography.Text strong>{CHECK_IN_METHOD[c.method] ?? c.method}</Typography.Text>
                      <Typography.Text type="secondary">{formatTime(c.at)}</Typography.Text>
                      {c.concern && <Tag color="red">需跟进</Tag>}
                    </Space>
                    <span>{c.note}</span>
                  </Space>
                </List.Item>
              )}
            />
          </div>
        </Space>
      )}
      <Modal
        title="查看完整信息"
        open={asking}
        onCancel={() => setAsking(false)}
        onOk={() => void reveal()}
        okText="查看"
        cancelText="取消"
        confirmLoading={revealing}
        okButtonProps={{ id: 'reveal-confirm', disabled: !reasonOk || chosen.length === 0 }}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">
          查看完整信息会记入审计日志（查看人、时间、内容、原因）。只勾选工作需要的项，并说明原因，至少{' '}
          {MIN_REASON} 个字。
        </Typography.Paragraph>
        <Checkbox.Group
          className="reveal-fields"
          style={{ marginBottom: 12 }}
          value={chosen}
          onChange={(v) => setChosen(v as ('idNumber' | 'phone')[])}
          options={fields().map((f) => ({ value: f, label: f === 'idNumber' ? '证件号' : '手机号' }))}
        />
        <Input.TextArea
          id="reveal-reason"
          rows={3}
          maxLength={200}
          showCount
          value={reason}
          status={reason && !reasonOk ? 'error' : undefined}
          placeholder="如：上门走访前电话联系"
          onChange={(e) => setReason(e.target.value)}
        />
        {reason && !reasonOk && <Typography.Text type="danger">原因至少 {MIN_REASON} 个字</Typography.Text>}
      </Modal>
    </Drawer>
  );
}
