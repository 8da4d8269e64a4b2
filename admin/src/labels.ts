// Chinese labels for the API's codes.
export const INSTANCE_STATUS: Record<string, { text: string; color: string }> = {
  running: { text: '进行中', color: 'processing' },
  completed: { text: '已办结', color: 'success' },
  cancelled: { text: '已撤销', color: 'default' },
};

export const TASK_STATUS: Record<string, string> = { open: '待办', completed: '已完成', cancelled: '已取消' };

export const TIMELINE_KIND: Record<string, string> = {
  'instance.started': '发起',
  'instance.completed': '办结',
  'instance.cancelled': '撤销',
  'task.created': '生成任务',
  'activity.end': '步骤完成',
  'repair.reported': '报修',
  'repair.dispatched': '派单',
  'task.completed': '完成',
  'task.returned': '退回',
  'task.withdrawn': '撤回',
  'timer.fired': '定时触发',
  'message.received': '收到消息',
  comment: '评论',
  attachment: '附件',
  transfer: '转办',
  delegate: '委派',
  resolve: '委派完成',
  urge: '催办',
  cc: '抄送',
  claim: '签收',
  unclaim: '退签',
};

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}
