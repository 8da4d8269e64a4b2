// Hikvision ISAPI EventNotificationAlert (XML or JSON) → EventDraft.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DeviceConfig } from '../config.js';
import { badRequest } from '../errors.js';
import type { EventDraft } from '../ingest.js';
import type { Mapper } from '../mapping.js';
import type { SnapshotInput } from '../queue.js';

export type HikAlert = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

/** Parse an XML body; 400 naming the problem when it is not well-formed or not an EventNotificationAlert. */
export function parseHikvisionXml(text: string): HikAlert {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw badRequest(
      'malformed_xml',
      `malformed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`,
    );
  }
  const doc = parser.parse(text) as Record<string, unknown>;
  const alert = doc.EventNotificationAlert;
  if (!alert || typeof alert !== 'object') {
    throw badRequest('not_an_event', 'XML has no EventNotificationAlert element');
  }
  return alert as HikAlert;
}

/** Parse a JSON body (the object itself, or wrapped in `EventNotificationAlert`). */
export function parseHikvisionJson(text: string): HikAlert {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw badRequest('malformed_json', `malformed JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw badRequest('not_an_event', 'JSON body must be an object');
  }
  const wrapped = (doc as Record<string, unknown>).EventNotificationAlert;
  return (wrapped && typeof wrapped === 'object' ? wrapped : doc) as HikAlert;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

const PULSE = new Set(['AccessControllerEvent', 'ANPR', 'faceSnap', 'faceCapture', 'heartBeat']);
const IMAGE_KEYS = /(picture|image|pic)data$|^(pictureURL|faceImage|bkgImage|picData)$/i;

/** The fields that say which device sent it. */
export function hikIdentity(alert: HikAlert): { mac?: unknown; ip?: unknown; serial?: unknown } {
  return {
    mac: alert.macAddress,
    ip: alert.ipAddress ?? alert.ipv4Address,
    serial: alert.serialNumber ?? alert.deviceID ?? alert.deviceSerialNo,
  };
}

export function hikvisionToDraft(
  alert: HikAlert,
  device: DeviceConfig,
  mapper: Mapper,
  snapshots: SnapshotInput[] = [],
): EventDraft {
  const eventType = str(alert.eventType);
  if (!eventType) throw badRequest('not_an_event', 'EventNotificationAlert has no eventType');
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(alert)) {
    if (IMAGE_KEYS.test(k)) continue;
    payload[k] = v;
  }
  const inactive = str(alert.eventState)?.toLowerCase() === 'inactive';
  const state: EventDraft['state'] = PULSE.has(eventType) ? 'pulse' : inactive ? 'stop' : 'start';
  const channel = num(alert.channelID) ?? num(alert.dynChannelID);
  const base = {
    deviceCode: device.code,
    communityCode: device.communityCode,
    source: 'hikvision' as const,
    state,
    occurredAt: str(alert.dateTime) ?? new Date().toISOString(),
    channel,
    description: str(alert.eventDescription),
    payload,
    snapshots,
  };
  if (eventType === 'heartBeat') {
    return { ...base, vendorCode: 'heartBeat', type: 'heartbeat' };
  }
  if (eventType === 'AccessControllerEvent') {
    const ace = alert.AccessControllerEvent;
    if (!ace || typeof ace !== 'object') {
      throw badRequest('not_an_event', 'AccessControllerEvent event has no AccessControllerEvent object');
    }
    const a = ace as Record<string, unknown>;
    const major = num(a.majorEventType);
    const sub = num(a.subEventType);
    if (major === undefined || sub === undefined) {
      throw badRequest('not_an_event', 'AccessControllerEvent needs majorEventType and subEventType numbers');
    }
    const serialNo = str(a.serialNo);
    return {
      ...base,
      vendorCode: `AccessControllerEvent:${major}:${sub}`,
      type: mapper.hikvisionAccess(major, sub),
      deviceEventId: serialNo ? `${device.code}:${serialNo}` : undefined,
      channel: num(a.doorNo) ?? channel,
    };
  }
  if (eventType === 'ANPR') {
    const anpr = (alert.ANPR && typeof alert.ANPR === 'object' ? alert.ANPR : {}) as Record<string, unknown>;
    const listName = str(anpr.vehicleListName) ?? str(alert.vehicleListName);
    const uuid = str(alert.UUID) ?? str(anpr.UUID);
    return {
      ...base,
      vendorCode: listName ? `ANPR:${listName}` : 'ANPR',
      type: mapper.hikvision('ANPR', device.kind, listName),
      deviceEventId: uuid,
    };
  }
  return { ...base, vendorCode: eventType, type: mapper.hikvision(eventType, device.kind) };
}
