// Device events (门禁 / 摄像头 / AI 盒子) and the alerts they become: the project's own MQTT format, the normalised
// event the device-bridge forwards to the server's ingest endpoint, and the alert API.
import { z } from 'zod';
import { Id, Paging } from './common.js';

/**
 * The product's alert types. The bridge maps vendor codes to these by configuration (device-bridge/README.md has the
 * default table); a code it does not know becomes `unclassified`, never dropped.
 */
export const AlertType = z.enum([
  'door_forced', // 门被强行打开
  'door_held_open', // 门长时间未关
  'tailgating', // 尾随进入
  'access_denied', // 刷卡/刷脸被拒
  'face_watchlist', // 重点人员人脸比中
  'plate_watchlist', // 布控车牌比中
  'object_thrown', // 高空抛物
  'ebike_in_lift', // 电动车进电梯
  'intrusion', // 区域入侵/越线
  'smoke_fire', // 烟火
  'fall_detected', // 跌倒
  'elderly_inactivity', // 独居老人长时间无活动
  'device_offline', // 设备离线
  'motion', // 移动侦测 (recorded, low severity)
  'unclassified', // 未分类
]);
export type AlertType = z.infer<typeof AlertType>;

/** What a normalised device event is: an alert-type event, or a device status change (not an alert by itself). */
export const DeviceEventType = z.union([AlertType, z.enum(['heartbeat', 'device_online'])]);
export type DeviceEventType = z.infer<typeof DeviceEventType>;

export const DeviceVendor = z.enum(['hikvision', 'dahua', 'generic']);
export type DeviceVendor = z.infer<typeof DeviceVendor>;
export const DeviceKind = z.enum(['camera', 'door', 'ai_box', 'sensor', 'nvr']);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** Device codes are the stable external id shared by the bridge's configuration and the server's device list. */
export const DeviceCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'must be 1–64 letters, digits, _ . : or -');

const IsoTime = z.iso.datetime({ offset: true });

/**
 * The project's own MQTT format, published QoS 1 on `community/{communityCode}/device/{deviceCode}/event`.
 * `eventId` is unique per device (a UUID is fine); `occurredAt` is ISO 8601 with an offset. Fields beyond these are
 * kept in the event's payload.
 */
export const MqttDeviceEvent = z.looseObject({
  eventId: z.string().trim().min(1).max(128),
  type: z.string().trim().min(1).max(64),
  occurredAt: IsoTime,
  /** start of a condition, its end, or a one-off event (default) */
  state: z.enum(['start', 'stop', 'pulse']).optional(),
  channel: z.number().int().min(0).max(9999).optional(),
  description: z.string().max(500).optional(),
  confidence: z.number().min(0).max(1).optional(),
  /** the device's own view of severity; the server decides the alert's severity from its type */
  severity: z.string().max(32).optional(),
  /** vendor or model specific fields, kept as sent */
  data: z.record(z.string(), z.unknown()).optional(),
  /** a JPEG snapshot, base64 (at most ~1.5 MB decoded) */
  snapshot: z
    .string()
    .max(2_000_000)
    .regex(/^[A-Za-z0-9+/=\s]+$/, 'must be base64')
    .optional(),
});
export type MqttDeviceEvent = z.infer<typeof MqttDeviceEvent>;

/** A snapshot the bridge uploaded before forwarding the event (POST /api/v1/device-snapshots). */
export const DeviceSnapshotRef = z.strictObject({
  fileId: Id,
  contentType: z.string().max(100),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** 'face' snapshots are personal data: kept only for the retention, shown only to roles that need them */
  kind: z.enum(['scene', 'face', 'plate']).default('scene'),
});
export type DeviceSnapshotRef = z.infer<typeof DeviceSnapshotRef>;

/** One event as the bridge forwards it to the server. */
export const DeviceEvent = z.strictObject({
  /** idempotency key: the device's event id, or sha256(device + vendorCode + occurredAt) when it has none */
  eventId: z.string().min(1).max(128),
  deviceCode: DeviceCode,
  /** the community code from the MQTT topic or the bridge's device configuration */
  communityCode: z.string().max(64).optional(),
  source: z.enum(['mqtt', 'hikvision', 'dahua', 'generic', 'bridge']),
  /** the vendor's own code, e.g. `AccessControllerEvent:5:22`, `IO`, `VideoMotion` */
  vendorCode: z.string().max(128),
  type: DeviceEventType,
  state: z.enum(['start', 'stop', 'pulse']),
  occurredAt: IsoTime,
  receivedAt: IsoTime,
  channel: z.number().int().min(0).max(9999).optional(),
  description: z.string().max(500).optional(),
  /** how many raw events the bridge folded into this one (a storm within its window); default 1 */
  count: z.number().int().min(1).max(1_000_000).default(1),
  snapshots: z.array(DeviceSnapshotRef).max(9).default([]),
  /** the vendor fields the bridge kept (no images); at most 16 KB as JSON */
  payload: z.record(z.string(), z.unknown()).default({}),
});
export type DeviceEvent = z.infer<typeof DeviceEvent>;

/**
 * POST /api/v1/device-events. Headers: `X-Linli-Bridge: <bridgeId>`, `X-Linli-Timestamp: <unix ms>`,
 * `X-Linli-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`. The server refuses a timestamp
 * more than 5 minutes away from its clock and a signature it has already seen (replay).
 */
export const DeviceEventBatch = z.strictObject({
  events: z.array(DeviceEvent).min(1).max(500),
});
export type DeviceEventBatch = z.infer<typeof DeviceEventBatch>;

export const DeviceEventResult = z.object({
  eventId: z.string(),
  /** accepted: stored now; duplicate: stored before (nothing changed); rejected: this event is invalid for good */
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  alertId: Id.nullable(),
  reason: z.string().optional(),
});
export const DeviceEventBatchResult = z.object({ results: z.array(DeviceEventResult) });
export type DeviceEventBatchResult = z.infer<typeof DeviceEventBatchResult>;

export const AlertSeverity = z.enum(['info', 'warning', 'major', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;
export const AlertStatus = z.enum(['open', 'acknowledged', 'verifying', 'resolved', 'closed']);
export type AlertStatus = z.infer<typeof AlertStatus>;
export const AlertResolution = z.enum(['false_alarm', 'handled', 'referred_police', 'referred_property']);
export type AlertResolution = z.infer<typeof AlertResolution>;

export const Device = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  vendor: DeviceVendor,
  kind: DeviceKind,
  communityId: Id,
  gridId: Id.nullable(),
  compoundId: Id.nullable(),
  buildingId: Id.nullable(),
  unitId: Id.nullable(),
  roomId: Id.nullable(),
  /** the standard address of where it is (小区/楼栋/单元/房间 or a place name) */
  location: z.string(),
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  active: z.boolean(),
});
export type Device = z.infer<typeof Device>;

export const Alert = z.object({
  id: Id,
  number: z.string(),
  type: AlertType,
  typeName: z.string(),
  severity: AlertSeverity,
  status: AlertStatus,
  needsHandling: z.boolean(),
  deviceId: Id.nullable(),
  deviceName: z.string().nullable(),
  communityId: Id,
  gridId: Id.nullable(),
  location: z.string(),
  firstAt: z.string(),
  lastAt: z.string(),
  count: z.number().int(),
  snapshotFileIds: z.array(Id),
  instanceId: Id.nullable(),
  resolution: AlertResolution.nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type Alert = z.infer<typeof Alert>;

export const AlertQuery = z.object({
  ...Paging,
  status: AlertStatus.optional(),
  type: AlertType.optional(),
  gridId: Id.optional(),
  open: z.coerce.boolean().optional(),
});

// ------------------------------------------------------------------ the alert and device API (server-alerts)

export const AlertEventView = z.object({
  id: Id,
  eventId: z.string(),
  type: z.string(),
  vendorCode: z.string(),
  state: z.string(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  count: z.number().int(),
  snapshotFileIds: z.array(Id),
});
export type AlertEventView = z.infer<typeof AlertEventView>;

export const AlertSnapshotView = z.object({
  fileId: Id,
  kind: z.enum(['scene', 'face', 'plate']),
  contentType: z.string(),
  size: z.number().int(),
  /** GET path of the image (face snapshots: only roles that need them, every view audited) */
  url: z.string(),
});

export const AlertDetail = Alert.extend({
  acknowledgedBy: Id.nullable(),
  acknowledgedAt: z.string().nullable(),
  resolvedBy: Id.nullable(),
  resolvedAt: z.string().nullable(),
  verifyPhotoFileIds: z.array(Id),
  /** recent events folded into this alert, newest first (at most 100) */
  events: z.array(AlertEventView),
  /** snapshots the caller may see (faces only for grid workers and community admins) */
  snapshots: z.array(AlertSnapshotView),
  /** what happened to the alert, oldest first */
  timeline: z.array(
    z.object({ at: z.string(), kind: z.string(), actor: z.string().nullable(), note: z.string() }),
  ),
  /** the open step of its case, if any */
  openTask: z.object({ id: Id, activityId: z.string(), assignee: Id.nullable() }).nullable(),
});
export type AlertDetail = z.infer<typeof AlertDetail>;

export const AcknowledgeAlert = z.strictObject({ note: z.string().trim().max(500).optional() });
export const VerifyAlert = z.strictObject({
  note: z.string().trim().min(1, 'describe what you found on site').max(2000),
  photoFileIds: z.array(Id).max(9).default([]),
});
export const ResolveAlert = z.strictObject({
  resolution: AlertResolution,
  note: z.string().trim().max(2000).optional(),
});
export const CloseAlert = z.strictObject({ note: z.string().trim().max(2000).optional() });

export const DeviceQuery = z.object({
  ...Paging,
  gridId: Id.optional(),
  communityId: Id.optional(),
  online: z.enum(['true', 'false']).optional(),
});

/** Where a device is: the most specific of room, unit, building, compound (its grid and community follow). */
export const CreateDevice = z.strictObject({
  code: DeviceCode,
  name: z.string().trim().min(1).max(100),
  vendor: DeviceVendor,
  kind: DeviceKind,
  roomId: Id.optional(),
  unitId: Id.optional(),
  buildingId: Id.optional(),
  compoundId: Id.optional(),
  /** for a device on compound level (a gate): the grid that answers for it */
  gridId: Id.optional(),
  /** a spot inside the place, e.g. 2号门, 电梯轿厢 */
  spot: z.string().trim().max(100).optional(),
  /** silence after which the server marks it offline (default 600 s) */
  offlineAfterSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(600),
});
export type CreateDevice = z.infer<typeof CreateDevice>;
export const UpdateDevice = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  spot: z.string().trim().max(100).nullable().optional(),
  offlineAfterSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .optional(),
  active: z.boolean().optional(),
});

export const DeviceBridge = z.object({
  id: z.string(),
  name: z.string(),
  communityId: Id,
  active: z.boolean(),
  lastSeenAt: z.string().nullable(),
});
export const CreateBridge = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lower-case letters, digits or -'),
  name: z.string().trim().min(1).max(100),
  communityId: Id,
});
/** shown once, on creation and on rotation */
export const BridgeWithSecret = DeviceBridge.extend({ secret: z.string() });

export const AlertDutyEntry = z.object({
  id: Id,
  gridId: Id,
  user: z.object({ id: Id, name: z.string() }),
  /** ISO weekdays, 1 = Monday … 7 = Sunday */
  weekdays: z.array(z.number().int().min(1).max(7)),
  /** China time HH:MM; a shift may pass midnight (22:00–08:00) */
  shiftStart: z.string(),
  shiftEnd: z.string(),
  /** order of escalation: the lowest first */
  order: z.number().int(),
});
export type AlertDutyEntry = z.infer<typeof AlertDutyEntry>;
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
export const PutAlertDuty = z.strictObject({
  gridId: Id,
  userId: Id,
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5, 6, 7]),
  shiftStart: HHMM.default('00:00'),
  shiftEnd: HHMM.default('23:59'),
  order: z.number().int().min(0).max(99).default(0),
});
export const PatchAlertDuty = z.strictObject({
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).optional(),
  shiftStart: HHMM.optional(),
  shiftEnd: HHMM.optional(),
  order: z.number().int().min(0).max(99).optional(),
});
export const AlertDutyQuery = z.object({ ...Paging, gridId: Id.optional() });

export const AlertTypeSetting = z.object({
  type: AlertType,
  name: z.string(),
  severity: AlertSeverity,
  needsHandling: z.boolean(),
  /** minutes to acknowledge before escalation */
  ackMinutes: z.number().int(),
  /** events of the same device and type within this many seconds of the last fold into one alert */
  stormWindowSeconds: z.number().int(),
  /** overridden for this community */
  overridden: z.boolean(),
});
export const AlertTypeQuery = z.object({ communityId: Id });
export const PutAlertTypeSetting = z.strictObject({
  communityId: Id,
  severity: AlertSeverity.optional(),
  needsHandling: z.boolean().optional(),
  ackMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .optional(),
  stormWindowSeconds: z.number().int().min(0).max(86_400).optional(),
});
export const AlertTypeParams = z.strictObject({ id: AlertType });

/** The WebSocket message every accepted event pushes to the consoles that may see its grid. */
export const AlertPush = z.object({
  type: z.literal('alert'),
  eventId: z.string(),
  alertId: Id.nullable(),
  count: z.number().int(),
  status: z.string(),
  alertType: z.string(),
  deviceCode: z.string(),
  location: z.string(),
  occurredAt: z.string(),
  at: z.string(),
});
export type AlertPush = z.infer<typeof AlertPush>;
