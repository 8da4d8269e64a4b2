// Dahua CGI event text (`Code=…;action=…;index=…;data={…}`): pushed (one or many in a body) or read from the
// multipart/x-mixed-replace event stream.
import type { DeviceConfig } from '../config.js';
import { badRequest } from '../errors.js';
import { canonicalTime, type EventDraft } from '../ingest.js';
import type { Mapper } from '../mapping.js';

export interface DahuaEvent {
  code: string;
  action: string;
  index: number;
  data: Record<string, unknown>;
}

const LINE = /^Code=([^;\r\n]+);action=([^;\r\n]+);index=(-?\d+)(?:;data=([\s\S]*))?$/;

/** Parse the text of one part (or a pushed body): one or more `Code=` entries. */
export function parseDahuaText(text: string): DahuaEvent[] {
  const out: DahuaEvent[] = [];
  const chunks = text
    .split(/(?=^Code=)/m)
    .map((c) => c.trim())
    .filter(Boolean);
  for (const chunk of chunks) {
    if (/^(--|Content-)/i.test(chunk)) continue;
    const m = LINE.exec(chunk);
    if (!m) throw badRequest('malformed_dahua', `not a Dahua event line: "${chunk.slice(0, 60)}"`);
    let data: Record<string, unknown> = {};
    const raw = m[4]?.trim();
    if (raw) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          data = parsed as Record<string, unknown>;
      } catch (err) {
        throw badRequest(
          'malformed_dahua',
          `Dahua event ${m[1]} has data that is not JSON: ${(err as Error).message}`,
        );
      }
    }
    out.push({ code: m[1]!, action: m[2]!, index: Number(m[3]), data });
  }
  return out;
}

/** Split a multipart/x-mixed-replace (or multipart/mixed) body into the text of its parts. */
export function splitMixedParts(body: string, boundary: string): string[] {
  const b = boundary.replace(/^--/, '');
  return body
    .split(new RegExp(`(?:^|\\r?\\n)--${escapeRe(b)}(?:--)?[ \\t]*(?:\\r?\\n|$)`))
    .map((part) => {
      const sep = /\r?\n\r?\n/.exec(part);
      const hasHeaders = /^[A-Za-z-]+:/.test(part);
      return (hasHeaders && sep ? part.slice(sep.index + sep[0].length) : part).trim();
    })
    .filter(Boolean);
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function dahuaToDraft(ev: DahuaEvent, device: DeviceConfig, mapper: Mapper): EventDraft {
  const action = ev.action.toLowerCase();
  const state: EventDraft['state'] = action === 'start' ? 'start' : action === 'stop' ? 'stop' : 'pulse';
  const utc = typeof ev.data.UTC === 'number' ? ev.data.UTC : undefined;
  const occurredAt = utc !== undefined ? canonicalTime(utc) : canonicalTime(ev.data.LocaleTime);
  return {
    deviceCode: device.code,
    communityCode: device.communityCode,
    source: 'dahua',
    vendorCode: ev.code,
    type: mapper.dahua(ev.code),
    state,
    occurredAt,
    channel: ev.index >= 0 ? ev.index : undefined,
    payload: { Code: ev.code, action: ev.action, index: ev.index, data: ev.data },
  };
}
