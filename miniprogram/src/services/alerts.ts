// 告警处置 for grid workers and community admins: the alerts of their area (GET /alerts, scoped by the server),
// one alert with its timeline, and the steps of its case: acknowledge → verify on site → resolve; close for
// alerts whose type needs no case. Snapshots are read with the session's token (GET /alert-snapshots/:id).
import Taro from '@tarojs/taro';
import type { Alert, AlertDetail, AlertResolution, AlertSeverity, AlertStatus, Me } from '@linli/contracts';
import { hasRole } from './auth';
import { IS_H5 } from './env';
import { api, urlOf } from './http';
import { loadSession } from './session';
import type { Page } from './types';

/** who handles alerts in the mini-program */
export const mayHandleAlerts = (me: Me | null) => hasRole(me, 'grid_worker', 'community_admin');

export type AlertTab = 'pending' | 'handling' | 'done';

export const ALERT_TAB_NAMES: Record<AlertTab, string> = {
  pending: '待处理',
  handling: '处理中',
  done: '已办结',
};

const TAB_STATUSES: Record<AlertTab, AlertStatus[]> = {
  pending: ['open'],
  handling: ['acknowledged', 'verifying'],
  done: ['resolved', 'closed'],
};

export const ALERT_STATUS_NAMES: Record<AlertStatus, string> = {
  open: '待接警',
  acknowledged: '已接警',
  verifying: '已核实',
  resolved: '已处置',
  closed: '已关闭',
};

export const SEVERITY_NAMES: Record<AlertSeverity, string> = {
  info: '提示',
  warning: '一般',
  major: '重要',
  critical: '紧急',
};

export const RESOLUTION_NAMES: Record<AlertResolution, string> = {
  false_alarm: '误报',
  handled: '已处置',
  referred_police: '移交公安',
  referred_property: '移交物业',
};

/** the server sends typeName; these are its default names (server/src/alerts/types.ts), for a missing one */
export const ALERT_TYPE_NAMES: Record<string, string> = {
  door_forced: '门被强行打开',
  door_held_open: '门长时间未关',
  tailgating: '尾随进入',
  access_denied: '刷卡/刷脸被拒',
  face_watchlist: '重点人员人脸比中',
  plate_watchlist: '布控车牌比中',
  object_thrown: '高空抛物',
  ebike_in_lift: '电动车进电梯',
  intrusion: '区域入侵',
  smoke_fire: '烟火',
  fall_detected: '跌倒',
  elderly_inactivity: '独居老人长时间无活动',
  device_offline: '设备离线',
  motion: '移动侦测',
  unclassified: '未分类事件',
};

export const typeNameOf = (a: Pick<Alert, 'type' | 'typeName'>) =>
  a.typeName || ALERT_TYPE_NAMES[a.type] || a.type;

/** timeline entry kinds as the server writes them */
export const ALERT_STEP_NAMES: Record<string, string> = {
  raised: '告警产生',
  case_started: '生成处置工单',
  repeat: '再次报警',
  escalated: '超时升级',
  stopped: '设备恢复',
  online: '设备恢复在线',
  acknowledged: '确认接警',
  verified: '到场核实',
  resolved: '处置结果',
  closed: '办结',
};

/** a time in China time (UTC+8, no daylight saving), whatever the phone's zone: 11月24日 10:05 */
export function chinaTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const byLastAt = (a: Alert, b: Alert) => Date.parse(b.lastAt) - Date.parse(a.lastAt);

export const alertsApi = {
  /** the alerts of a tab, newest first (at most 50 per status) */
  async list(tab: AlertTab): Promise<Alert[]> {
    const pages = await Promise.all(
      TAB_STATUSES[tab].map((status) => api.get<Page<Alert>>('/alerts', { status, pageSize: 50 })),
    );
    return pages.flatMap((p) => p.items).sort(byLastAt);
  },
  /** how many alerts wait for someone to acknowledge them */
  async pendingCount(): Promise<number> {
    return (await api.get<Page<Alert>>('/alerts', { status: 'open', pageSize: 1 })).total;
  },
  get: (id: string) => api.get<AlertDetail>(`/alerts/${id}`),
  acknowledge: (id: string, note?: string) => api.post<AlertDetail>(`/alerts/${id}/acknowledge`, { note }),
  verify: (id: string, note: string, photoFileIds: string[]) =>
    api.post<AlertDetail>(`/alerts/${id}/verify`, { note, photoFileIds }),
  resolve: (id: string, resolution: AlertResolution, note?: string) =>
    api.post<AlertDetail>(`/alerts/${id}/resolve`, { resolution, note }),
  close: (id: string, note?: string) => api.post<AlertDetail>(`/alerts/${id}/close`, { note }),
};

/** a URL the Image component can show for a snapshot (its `url`, e.g. /alert-snapshots/:id), fetched with the token */
export async function snapshotUrlOf(path: string): Promise<string> {
  const token = loadSession()?.accessToken ?? '';
  const url = urlOf(path);
  if (IS_H5) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return URL.createObjectURL(await res.blob());
  }
  const res = await Taro.downloadFile({ url, header: { Authorization: `Bearer ${token}` } });
  return res.tempFilePath;
}
