// 流程监控 › one case: the diagram of its version with the current steps highlighted and the completed ones
// marked, the timeline, its variables (masked by the server where personal), open tasks, incidents with retry,
// and cancel with a reason. It follows the case live: a push about it over /ws (live.ts) reads it again.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Modal,
  Row,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useParams } from 'react-router-dom';
import type {
  Definition,
  HistoryEntry,
  Incident,
  InstanceDetail,
  RoleName,
  Task,
  TaskEvent,
  Timeline as CaseTimeline,
} from '@linli/contracts';
import { api, errorText, type Page } from '../api';
import { formatTime, INSTANCE_STATUS, TASK_STATUS, TIMELINE_KIND } from '../labels';
import { ROLE_LABEL, useSession } from '../session';
import { BpmnCanvas } from '../bpmn/BpmnCanvas';
import { useLiveRefetch } from '../live';

interface InstanceHistory {
  history: HistoryEntry[];
  events: TaskEvent[];
}

interface Loaded {
  instance: InstanceDetail;
  history: InstanceHistory;
  timeline: CaseTimeline;
  incidents: Incident[];
  definition: Definition | undefined;
  xml: string | null;
}

const DONE_KINDS = new Set([
  'task.completed',
  'timer.fired',
  'message.received',
  'task.returned',
  'task.withdrawn',
]);

function markersOf(c: Loaded): Record<string, string[]> {
  const markers: Record<string, string[]> = {};
  const current = new Set(c.instance.openTasks.map((t) => t.activityId));
  const failing = new Set(c.incidents.filter((i) => i.status === 'incident').map((i) => i.activityId));
  const done = new Set<string>();
  for (const h of c.history.history) if (h.activityId && DONE_KINDS.has(h.kind)) done.add(h.activityId);
  for (const e of c.timeline.entries) if (e.activityId) done.add(e.activityId);
  for (const id of done) if (!current.has(id) && !failing.has(id)) markers[id] = ['linli-done'];
  for (const id of current) markers[id] = ['linli-current'];
  for (const id of failing) markers[id] = ['linli-incident'];
  return markers;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function CaseViewPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const { message } = App.useApp();
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cancelOpen, setCancelOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const latest = useRef(0);
  /** the diagram read last: a live refetch of the same version does not read it again */
  const diagram = useRef<{ definitionId: string; xml: string } | null>(null);
  const load = useCallback(async () => {
    const call = ++latest.current;
    try {
      const [instance, history, timeline] = await Promise.all([
        api<InstanceDetail>(`/instances/${id}`),
        api<InstanceHistory>(`/instances/${id}/history`),
        api<CaseTimeline>(`/instances/${id}/timeline`),
      ]);
      const [incidents, versions] = await Promise.all([
        can('incidents.retry')
          ? api<Page<Incident>>('/incidents', { query: { processId: instance.processId, pageSize: 200 } })
              .then((p) => p.items.filter((i) => i.instanceId === id))
              .catch(() => [])
          : Promise.resolve([]),
        api<Page<Definition>>('/definitions', { query: { processId: instance.processId, pageSize: 200 } }),
      ]);
      const definition = versions.items.find((d) => d.version === instance.definitionVersion);
      let xml: string | null = null;
      if (definition && diagram.current?.definitionId === definition.id) xml = diagram.current.xml;
      else if (definition) {
        xml = await api<string>(`/definitions/${definition.id}/xml`, { text: true });
        diagram.current = { definitionId: definition.id, xml };
      }
      if (call !== latest.current) return; // a newer read is on its way
      setData({ instance, history, timeline, incidents, definition, xml });
      setError(null);
    } catch (err) {
      if (call === latest.current) setError(errorText(err));
    }
  }, [id, can]);

  useEffect(() => {
    void load();
  }, [load]);
  // the case moved on, one of its tasks was created or changed hands (the hub tells admins of its area)
  useLiveRefetch(
    ['instance.updated', 'task.created', 'task.updated'],
    () => void load(),
    (m) => 'instanceId' in m && m.instanceId === id,
  );

  if (error) return <Alert type="error" title={error} showIcon />;
  if (!data) return <Card loading />;
  const { instance } = data;
  const status = INSTANCE_STATUS[instance.status];

  const retry = async (incident: Incident) => {
    try {
      await api(`/incidents/${incident.id}/retry`, { method: 'POST' });
      message.success('已重新执行');
      await load();
    } catch (err) {
      message.error(errorText(err));
    }
  };

  const cancel = async () => {
    setBusy(true);
    try {
      await api(`/instances/${id}/cancel`, { body: { reason: reason.trim() } });
      message.success('案件已撤销');
      setCancelOpen(false);
      await load();
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <span id="case-title">{data.definition?.name ?? instance.processId}</span>
            <Tag>v{instance.definitionVersion}</Tag>
            <Tag id="case-status" color={status?.color} data-status={instance.status}>
              {status?.text ?? instance.status}
            </Tag>
            {instance.businessKey && (
              <Typography.Text type="secondary">{instance.businessKey}</Typography.Text>
            )}
          </Space>
        }
        extra={
          <Space>
            <Button id="case-refresh" icon={<ReloadOutlined />} onClick={() => void load()}>
              刷新
            </Button>
            {instance.status === 'running' && can('instances.cancel') && (
              <Button id="case-cancel" danger onClick={() => setCancelOpen(true)}>
                撤销案件
              </Button>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="发起时间">{formatTime(instance.startedAt)}</Descriptions.Item>
          <Descriptions.Item label="结束时间">{formatTime(instance.endedAt)}</Descriptions.Item>
          <Descriptions.Item label="结束原因">{instance.endReason ?? '—'}</Descriptions.Item>
        </Descriptions>
        <Space style={{ margin: '8px 0' }}>
          <Tag color="blue">蓝色：当前步骤</Tag>
          <Tag color="green">绿色：已完成</Tag>
          <Tag color="red">红色：出错</Tag>
        </Space>
        {data.xml ? (
          <BpmnCanvas xml={data.xml} editable={false} markers={markersOf(data)} />
        ) : (
          <Empty description="找不到此版本的流程图" />
        )}
      </Card>
      <Row gutter={16}>
        <Col span={14}>
          <Card title="待办任务" size="small" style={{ marginBottom: 16 }}>
            <Table<Task>
              id="open-tasks"
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={instance.openTasks}
              locale={{ emptyText: '没有待办任务' }}
              columns={[
                { title: '步骤', dataIndex: 'name', render: (v: string | null, t) => v ?? t.activityId },
                {
                  title: '处理人 / 候选',
                  render: (_, t) =>
                    t.assignee ??
                    ([
                      ...t.candidateUsers,
                      ...t.candidateGroups.map((g) => ROLE_LABEL[g as RoleName] ?? g),
                    ].join('、') ||
                      '—'),
                },
                { title: '期限', dataIndex: 'dueAt', render: formatTime },
                { title: '状态', dataIndex: 'status', render: (v: string) => TASK_STATUS[v] ?? v },
              ]}
            />
          </Card>
          {(data.incidents.length > 0 || can('incidents.retry')) && (
            <Card title="异常" size="small" style={{ marginBottom: 16 }}>
              <Table<Incident>
                id="incidents"
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={data.incidents}
                locale={{ emptyText: '没有异常' }}
                columns={[
                  { title: '步骤', dataIndex: 'activityId' },
                  { title: '处理程序', dataIndex: 'handler' },
                  { title: '尝试', render: (_, i) => `${i.attempts}/${i.maxAttempts}` },
                  { title: '错误', dataIndex: 'lastError', render: (v: string | null) => v ?? '—' },
                  {
                    title: '操作',
                    render: (_, i) =>
                      i.status === 'incident' && can('incidents.retry') ? (
                        <Button size="small" id={`retry-${i.id}`} onClick={() => void retry(i)}>
                          重试
                        </Button>
                      ) : (
                        <Tag>{i.status === 'done' ? '已恢复' : '等待执行'}</Tag>
                      ),
                  },
                ]}
              />
            </Card>
          )}
          <Card title="流程变量" size="small">
            {instance.variables ? (
              <Descriptions size="small" column={1} bordered id="case-variables">
                {Object.entries(instance.variables).map(([k, v]) => (
                  <Descriptions.Item key={k} label={k}>
                    <Typography.Text style={{ wordBreak: 'break-all' }}>{valueText(v)}</Typography.Text>
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ) : (
              <Typography.Text type="secondary">此案件不在你的管辖范围内，变量不可见</Typography.Text>
            )}
          </Card>
        </Col>
        <Col span={10}>
          <Card title="办理过程" size="small">
            <div id="case-timeline">
              <Timeline
                items={data.timeline.entries.map((e) => ({
                  color:
                    e.kind === 'instance.cancelled'
                      ? 'red'
                      : e.kind.startsWith('task.completed')
                        ? 'green'
                        : 'blue',
                  content: (
                    <div className="timeline-entry" data-kind={e.kind}>
                      <Typography.Text strong>{TIMELINE_KIND[e.kind] ?? e.kind}</Typography.Text>
                      {e.activityName && <span> · {e.activityName}</span>}
                      {e.actor && <span> · {e.actor.name}</span>}
                      <div>
                        <Typography.Text type="secondary">{formatTime(e.at)}</Typography.Text>
                      </div>
                      {e.outcome && <div>结果：{e.outcome}</div>}
                      {e.comment && <div>意见：{e.comment}</div>}
                    </div>
                  ),
                }))}
              />
            </div>
          </Card>
        </Col>
      </Row>
      <Modal
        title="撤销案件"
        open={cancelOpen}
        okText="确认撤销"
        cancelText="取消"
        okButtonProps={{ id: 'cancel-confirm', danger: true, disabled: !reason.trim(), loading: busy }}
        onOk={() => void cancel()}
        onCancel={() => setCancelOpen(false)}
      >
        <Typography.Paragraph>
          撤销后案件的待办任务一并取消，办理人会收到通知。请填写原因：
        </Typography.Paragraph>
        <Input.TextArea
          id="cancel-reason"
          rows={3}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="如：重复提交"
        />
      </Modal>
    </Space>
  );
}
