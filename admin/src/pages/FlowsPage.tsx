// 流程设计: the processes (latest version of each), to open in the editor, or a new one from a blank or
// imported .bpmn file.
import { useEffect, useState } from 'react';
import { App, Button, Card, Space, Table, Tag, Upload } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import type { Definition } from '@linli/contracts';
import { api, errorText, type Page } from '../api';
import { formatTime } from '../labels';
import { useSession } from '../session';
import { NEW_DIAGRAM, stashDraft } from '../bpmn/drafts';

export function FlowsPage() {
  const { can } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [rows, setRows] = useState<Definition[]>([]);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    api<Page<Definition>>('/definitions', { query: { pageSize: 200 } })
      .then((page) => setRows(page.items))
      .catch((err) => message.error(errorText(err)))
      .finally(() => setLoading(false));
  }, [message]);

  const openDraft = (xml: string) => {
    const processId = /<bpmn2?:process[^>]*\sid="([^"]+)"/.exec(xml)?.[1];
    if (!processId) {
      message.error('文件中没有找到流程（bpmn:process）');
      return;
    }
    stashDraft(processId, xml);
    navigate(`/flows/${encodeURIComponent(processId)}?draft=1`);
  };

  return (
    <Card
      title="流程设计"
      extra={
        can('definitions.deploy') && (
          <Space>
            <Upload
              accept=".bpmn,.xml"
              showUploadList={false}
              beforeUpload={(file) => {
                void file.text().then(openDraft);
                return false;
              }}
            >
              <Button id="import-bpmn" icon={<UploadOutlined />}>
                导入 .bpmn
              </Button>
            </Upload>
            <Button
              id="new-flow"
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => openDraft(NEW_DIAGRAM(`process_${Date.now().toString(36)}`))}
            >
              新建流程
            </Button>
          </Space>
        )
      }
    >
      <Table<Definition>
        id="flows-table"
        rowKey="id"
        loading={loading}
        dataSource={rows}
        pagination={false}
        onRow={(row) => ({ 'data-process-id': row.processId }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: '流程名称', dataIndex: 'name', render: (v: string | null, r) => v ?? r.processId },
          { title: '流程标识', dataIndex: 'processId', render: (v: string) => <code>{v}</code> },
          { title: '最新版本', dataIndex: 'version', render: (v: number) => <Tag color="blue">v{v}</Tag> },
          { title: '部署时间', dataIndex: 'deployedAt', render: formatTime },
          {
            title: '操作',
            render: (_, r) => (
              <Button
                id={`open-flow-${r.processId}`}
                type="link"
                onClick={() => navigate(`/flows/${encodeURIComponent(r.processId)}`)}
              >
                {can('definitions.deploy') ? '编辑' : '查看'}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
