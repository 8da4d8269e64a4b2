// The project's own JSON format (MqttDeviceEvent, contracts) and vendor MQTT topics mapped field by field.
import { MqttDeviceEvent, type AlertType } from '@linli/contracts';
import type { TopicMapping } from '../config.js';
import { badRequest } from '../errors.js';
import { canonicalTime, type EventDraft } from '../ingest.js';
import type { Mapper } from '../mapping.js';
import type { SnapshotInput } from '../queue.js';

/** Parse + validate the project's own format; 400-style InputError naming the first problem with its path. */
export function parseOwnEvent(text: string): MqttDeviceEvent {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw badRequest('malformed_json', `malformed JSON: ${(err as Error).message}`);
  }
  const parsed = MqttDeviceEvent.safeParse(doc);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw badRequest('invalid_event', `${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return parsed.data;
}

const KNOWN = new Set(['eventId', 'type', 'occurredAt', 'state', 'channel', 'description', 'snapshot']);

export function ownEventToDraft(
  ev: MqttDeviceEvent,
  deviceCode: string,
  communityCode: string | undefined,
  mapper: Mapper,
  source: EventDraft['source'] = 'mqtt',
): EventDraft {
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ev)) if (!KNOWN.has(k)) payload[k] = v;
  const snapshots: SnapshotInput[] = [];
  if (ev.snapshot) {
    snapshots.push({
      bytes: Buffer.from(ev.snapshot.replace(/\s+/g, ''), 'base64'),
      contentType: 'image/jpeg',
      kind: 'scene',
    });
  }
  const type = ev.type === 'heartbeat' || ev.type === 'device_online' ? ev.type : mapper.generic(ev.type);
  return {
    deviceCode,
    communityCode,
    source,
    vendorCode: ev.type,
    type,
    state: ev.state ?? 'pulse',
    occurredAt: ev.occurredAt,
    channel: ev.channel,
    description: ev.description,
    payload,
    deviceEventId: ev.eventId,
    snapshots,
  };
}

/** MQTT topic filter match (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

function at(obj: unknown, dotted: string | undefined): unknown {
  if (!dotted) return undefined;
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** A vendor topic's JSON → EventDraft, by the mapping's field paths. */
export function vendorTopicToDraft(
  mapping: TopicMapping,
  topic: string,
  doc: unknown,
  mapper: Mapper,
  communityFallback: string | undefined,
): EventDraft {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw badRequest('invalid_event', 'payload must be a JSON object');
  const levels = topic.split('/');
  const deviceCode =
    mapping.deviceCode ??
    (mapping.deviceCodeLevel !== undefined ? levels[mapping.deviceCodeLevel] : undefined);
  if (!deviceCode) throw badRequest('invalid_event', `topic ${topic} gives no device code`);
  const rawType = at(doc, mapping.fields.type);
  if (typeof rawType !== 'string' && typeof rawType !== 'number') {
    throw badRequest('invalid_event', `field ${mapping.fields.type} (the event type) is missing`);
  }
  const vendorCode = String(rawType);
  const type: AlertType = mapping.types[vendorCode] ?? mapper.generic(vendorCode);
  const rawState = String(at(doc, mapping.fields.state) ?? '').toLowerCase();
  const state: EventDraft['state'] = ['start', 'active', 'on', '1', 'true'].includes(rawState)
    ? 'start'
    : ['stop', 'inactive', 'off', '0', 'false'].includes(rawState)
      ? 'stop'
      : 'pulse';
  const id = at(doc, mapping.fields.eventId);
  const channel = Number(at(doc, mapping.fields.channel));
  const description = at(doc, mapping.fields.description);
  return {
    deviceCode,
    communityCode: mapping.communityCode ?? communityFallback,
    source: 'generic',
    vendorCode,
    type,
    state,
    occurredAt: canonicalTime(at(doc, mapping.fields.occurredAt)),
    channel: Number.isInteger(channel) ? channel : undefined,
    description: typeof description === 'string' ? description : undefined,
    payload: doc as Record<string, unknown>,
    deviceEventId: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined,
  };
}
