// Vendor codes → the product's alert types. The default tables below are documented in device-bridge/README.md;
// the config file's `mapping` section overrides or extends them. A code nobody maps becomes `unclassified` (the
// vendor code is kept on the event), never dropped.
import type { AlertType, DeviceKind } from '@linli/contracts';
import { AlertType as AlertTypeSchema } from '@linli/contracts';
import type { ConfigFile } from './config.js';

/**
 * Hikvision ISAPI `eventType`. A key `code@kind` applies to devices of that kind only and wins over `code`.
 * ANPR events are keyed `ANPR:<vehicleListName>` when the plate is on a list. Object-thrown-from-height has no
 * public `eventType` string: configure it (`mapping.hikvision`) for your NVR.
 */
export const DEFAULT_HIKVISION: Record<string, AlertType> = {
  VMD: 'motion',
  'IO@door': 'door_forced',
  IO: 'intrusion',
  fielddetection: 'intrusion',
  linedetection: 'intrusion',
  regionEntrance: 'intrusion',
  intrusion: 'intrusion',
  faceSnap: 'face_watchlist',
  faceCapture: 'face_watchlist',
  'ANPR:blackList': 'plate_watchlist',
  'ANPR:blocklist': 'plate_watchlist',
  fireDetection: 'smoke_fire',
  smokeDetection: 'smoke_fire',
  smokeAndFireDetection: 'smoke_fire',
  fallDown: 'fall_detected',
};

/**
 * Hikvision access controller `majorEventType:subEventType` (major 5 = event). Codes from Hikvision's SDK
 * (NET_DVR_ACS_ALARM_INFO minor types); firmware varies, so override per site.
 */
export const DEFAULT_HIKVISION_ACCESS: Record<string, AlertType> = {
  '5:27': 'door_forced', // 0x1b MINOR_DOOR_OPEN_ABNORMAL 门异常打开（门磁）
  '5:92': 'door_forced', // 0x5c MINOR_DOORLOCK_OPEN_EXCEPTION 门锁异常打开
  '5:135': 'door_forced', // 0x87 MINOR_FORCE_ACCESS 外力冲撞
  '5:28': 'door_held_open', // 0x1c MINOR_DOOR_OPEN_TIMEOUT 门打开超时（门磁）
  '5:93': 'door_held_open', // 0x5d MINOR_DOORLOCK_OPEN_TIMEOUT 门锁打开超时
  '5:133': 'tailgating', // 0x85 MINOR_TRAILING 尾随通行
  '5:134': 'intrusion', // 0x86 MINOR_REVERSE_ACCESS 反向闯入
  '5:136': 'intrusion', // 0x88 MINOR_CLIMBING_OVER_GATE 翻越
  '5:138': 'intrusion', // 0x8a MINOR_INTRUSION_ALARM 误闯报警
  '5:3': 'access_denied', // 0x03 MINOR_CARD_AND_PSW_FAIL 刷卡加密码认证失败
  '5:6': 'access_denied', // 0x06 MINOR_CARD_NO_RIGHT 未分配权限
  '5:7': 'access_denied', // 0x07 MINOR_CARD_INVALID_PERIOD 无效时段
  '5:8': 'access_denied', // 0x08 MINOR_CARD_OUT_OF_DATE 卡号过期
  '5:9': 'access_denied', // 0x09 MINOR_INVALID_CARD 无此卡号
  '5:10': 'access_denied', // 0x0a MINOR_ANTI_SNEAK_FAIL 反潜回认证失败
  '5:39': 'access_denied', // 0x27 MINOR_FINGERPRINT_COMPARE_FAIL 指纹比对失败
  '5:76': 'access_denied', // 0x4c MINOR_FACE_VERIFY_FAIL 人脸认证失败
  '5:80': 'access_denied', // 0x50 MINOR_FACE_RECOGNIZE_FAIL 人脸识别失败
  '5:113': 'access_denied', // 0x71 MINOR_CERTIFICATE_BLACK_LIST 黑名单事件
  '5:150': 'access_denied', // 0x96 MINOR_PSW_VERIFY_FAIL 密码认证失败
  '5:157': 'access_denied', // 0x9d MINOR_ORCODE_VERIFY_FAIL 二维码认证失败
};

/** Dahua event `Code`. */
export const DEFAULT_DAHUA: Record<string, AlertType> = {
  VideoMotion: 'motion',
  CrossLineDetection: 'intrusion',
  CrossRegionDetection: 'intrusion',
  FaceRecognition: 'face_watchlist',
  SmokeDetection: 'smoke_fire',
  FireWarning: 'smoke_fire',
  TumbleDetection: 'fall_detected',
  BreakIn: 'door_forced',
  DoorNotClosed: 'door_held_open',
};

/** The project's own MQTT format: every AlertType name maps to itself; these aliases too. */
export const DEFAULT_GENERIC: Record<string, AlertType> = {
  ebike: 'ebike_in_lift',
  'e-bike': 'ebike_in_lift',
  electric_bike_in_elevator: 'ebike_in_lift',
  high_throw: 'object_thrown',
  object_throw: 'object_thrown',
  fall: 'fall_detected',
  smoke: 'smoke_fire',
  fire: 'smoke_fire',
  offline: 'device_offline',
  inactivity: 'elderly_inactivity',
};

export interface Mapper {
  hikvision(eventType: string, kind: DeviceKind | undefined, listName?: string): AlertType;
  hikvisionAccess(major: number, sub: number): AlertType;
  dahua(code: string): AlertType;
  generic(type: string, overrides?: Record<string, AlertType>): AlertType;
}

export function createMapper(mapping: ConfigFile['mapping']): Mapper {
  const hik = { ...DEFAULT_HIKVISION, ...mapping.hikvision };
  const access = { ...DEFAULT_HIKVISION_ACCESS, ...mapping.hikvisionAccess };
  const dahua = { ...DEFAULT_DAHUA, ...mapping.dahua };
  const generic = { ...DEFAULT_GENERIC, ...mapping.generic };
  return {
    hikvision(eventType, kind, listName) {
      if (listName) {
        const listed = hik[`${eventType}:${listName}`];
        if (listed) return listed;
      }
      return (kind && hik[`${eventType}@${kind}`]) || hik[eventType] || 'unclassified';
    },
    hikvisionAccess(major, sub) {
      return access[`${major}:${sub}`] ?? 'unclassified';
    },
    dahua(code) {
      return dahua[code] ?? 'unclassified';
    },
    generic(type, overrides) {
      const o = overrides?.[type];
      if (o) return o;
      if (generic[type]) return generic[type];
      const own = AlertTypeSchema.safeParse(type);
      return own.success ? own.data : 'unclassified';
    },
  };
}
