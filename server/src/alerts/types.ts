// The alert types' default settings: name (zh-CN), severity, whether a case must be opened ("needs handling":
// acknowledge → verify on site → resolve), minutes to acknowledge before escalation, and the storm window
// (events of one device and type within this many seconds of the alert's last event fold into it).
// A community may override any of these per type (alert_type_overrides, PUT /alert-types/:type).
import { and, eq, inArray } from 'drizzle-orm';
import type { AlertSeverity, AlertType } from '@linli/contracts';
import type { DbOrTx } from '../db/client.js';
import { alertTypeOverrides } from './schema.js';

export interface TypeSetting {
  name: string;
  severity: AlertSeverity;
  needsHandling: boolean;
  ackMinutes: number;
  stormWindowSeconds: number;
}

/** The documented default table (docs/processes/alerts.md repeats it). */
export const DEFAULT_TYPE_SETTINGS: Record<AlertType, TypeSetting> = {
  door_forced: {
    name: '门被强行打开',
    severity: 'major',
    needsHandling: true,
    ackMinutes: 5,
    stormWindowSeconds: 300,
  },
  door_held_open: {
    name: '门长时间未关',
    severity: 'warning',
    needsHandling: false,
    ackMinutes: 15,
    stormWindowSeconds: 900,
  },
  tailgating: {
    name: '尾随进入',
    severity: 'warning',
    needsHandling: false,
    ackMinutes: 15,
    stormWindowSeconds: 300,
  },
  access_denied: {
    name: '刷卡/刷脸被拒',
    severity: 'info',
    needsHandling: false,
    ackMinutes: 30,
    stormWindowSeconds: 300,
  },
  face_watchlist: {
    name: '重点人员人脸比中',
    severity: 'critical',
    needsHandling: true,
    ackMinutes: 5,
    stormWindowSeconds: 600,
  },
  plate_watchlist: {
    name: '布控车牌比中',
    severity: 'major',
    needsHandling: true,
    ackMinutes: 10,
    stormWindowSeconds: 600,
  },
  object_thrown: {
    name: '高空抛物',
    severity: 'major',
    needsHandling: true,
    ackMinutes: 10,
    stormWindowSeconds: 120,
  },
  ebike_in_lift: {
    name: '电动车进电梯',
    severity: 'warning',
    needsHandling: true,
    ackMinutes: 10,
    stormWindowSeconds: 300,
  },
  intrusion: {
    name: '区域入侵',
    severity: 'major',
    needsHandling: true,
    ackMinutes: 10,
    stormWindowSeconds: 300,
  },
  smoke_fire: {
    name: '烟火',
    severity: 'critical',
    needsHandling: true,
    ackMinutes: 3,
    stormWindowSeconds: 600,
  },
  fall_detected: {
    name: '跌倒',
    severity: 'critical',
    needsHandling: true,
    ackMinutes: 5,
    stormWindowSeconds: 600,
  },
  elderly_inactivity: {
    name: '独居老人长时间无活动',
    severity: 'major',
    needsHandling: true,
    ackMinutes: 30,
    stormWindowSeconds: 0,
  },
  device_offline: {
    name: '设备离线',
    severity: 'warning',
    needsHandling: false,
    ackMinutes: 60,
    stormWindowSeconds: 3600,
  },
  motion: {
    name: '移动侦测',
    severity: 'info',
    needsHandling: false,
    ackMinutes: 60,
    stormWindowSeconds: 600,
  },
  unclassified: {
    name: '未分类事件',
    severity: 'info',
    needsHandling: false,
    ackMinutes: 60,
    stormWindowSeconds: 600,
  },
};

export const typeName = (type: string): string =>
  DEFAULT_TYPE_SETTINGS[type as AlertType]?.name ?? DEFAULT_TYPE_SETTINGS.unclassified.name;

type Override = typeof alertTypeOverrides.$inferSelect;

export function applyOverride(
  type: AlertType,
  o: Override | undefined,
): TypeSetting & { overridden: boolean } {
  const d = DEFAULT_TYPE_SETTINGS[type];
  return {
    name: d.name,
    severity: o?.severity ?? d.severity,
    needsHandling: o?.needsHandling ?? d.needsHandling,
    ackMinutes: o?.ackMinutes ?? d.ackMinutes,
    stormWindowSeconds: o?.stormWindowSeconds ?? d.stormWindowSeconds,
    overridden: !!o,
  };
}

/** Settings of each (community, type) asked for, in one query. Key: `${communityId}:${type}`. */
export async function settingsFor(
  db: DbOrTx,
  pairs: { communityId: string; type: AlertType }[],
): Promise<Map<string, TypeSetting>> {
  const out = new Map<string, TypeSetting>();
  if (!pairs.length) return out;
  const communities = [...new Set(pairs.map((p) => p.communityId))];
  const types = [...new Set(pairs.map((p) => p.type))];
  const rows = await db
    .select()
    .from(alertTypeOverrides)
    .where(
      and(inArray(alertTypeOverrides.communityId, communities), inArray(alertTypeOverrides.type, types)),
    );
  for (const p of pairs) {
    const o = rows.find((r) => r.communityId === p.communityId && r.type === p.type);
    out.set(`${p.communityId}:${p.type}`, applyOverride(p.type, o));
  }
  return out;
}

export async function settingFor(db: DbOrTx, communityId: string, type: AlertType): Promise<TypeSetting> {
  const [o] = await db
    .select()
    .from(alertTypeOverrides)
    .where(and(eq(alertTypeOverrides.communityId, communityId), eq(alertTypeOverrides.type, type)));
  return applyOverride(type, o);
}
