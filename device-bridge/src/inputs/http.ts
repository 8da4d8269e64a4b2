// The HTTP webhook receiver (node:http). Routes:
//   POST /hikvision[/…]        Hikvision ISAPI EventNotificationAlert: application/xml, JSON, multipart/form-data
//   POST /dahua[/<deviceCode>] Dahua event text (`Code=…;action=…;index=…;data={…}`), plain or multipart/x-mixed-replace
//   POST /generic/<deviceCode> the project's own JSON (MqttDeviceEvent)
//   GET  /healthz              queue depth and forwarder state
// The answer is 200 only after the event is durably queued; 4xx name the problem; 503 when the queue is full.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import busboy from 'busboy';
import type { BridgeConfig, DeviceConfig } from '../config.js';
import { normIp, type DeviceRegistry } from '../devices.js';
import { InputError, badRequest } from '../errors.js';
import type { AcceptResult, EventDraft, Ingest } from '../ingest.js';
import type { Logger } from '../log.js';
import type { Mapper } from '../mapping.js';
import { dahuaToDraft, parseDahuaText, splitMixedParts } from '../normalize/dahua.js';
import { ownEventToDraft, parseOwnEvent } from '../normalize/generic.js';
import {
  hikIdentity,
  hikvisionToDraft,
  parseHikvisionJson,
  parseHikvisionXml,
  type HikAlert,
} from '../normalize/hikvision.js';
import { QueueFullError, type SnapshotInput, type SnapshotKind } from '../queue.js';
import { authorize } from './auth.js';

export interface HttpInputDeps {
  cfg: BridgeConfig;
  ingest: Ingest;
  devices: DeviceRegistry;
  mapper: Mapper;
  log: Logger;
  health: () => Record<string, unknown>;
}

/** Bodies past this are cut off (connection closed) instead of read to the end for a polite 413. */
const HARD_CAP = 64 * 1024 * 1024;

export function createHttpReceiver(deps: HttpInputDeps): http.Server {
  const server = http.createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.log.error({ err }, 'http receiver failed');
      if (!res.headersSent)
        send(res, 500, { error: { id: 'internal', code: 'internal', message: 'internal error' } });
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 30_000;
  return server;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

async function handle(deps: HttpInputDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://bridge.invalid');
  const segs = url.pathname.split('/').filter(Boolean);
  if (url.pathname === '/healthz') {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return void send(res, 405, errBody('method_not_allowed', 'use GET'));
    return void send(res, 200, deps.health());
  }
  const route =
    segs[0] === 'hikvision' || segs[0] === 'ISAPI'
      ? 'hikvision'
      : segs[0] === 'dahua'
        ? 'dahua'
        : segs[0] === 'generic'
          ? 'generic'
          : null;
  if (!route) {
    req.resume();
    return void send(
      res,
      404,
      errBody('not_found', `no receiver at ${url.pathname}: use /hikvision, /dahua or /generic/<deviceCode>`),
    );
  }
  if (req.method !== 'POST') {
    req.resume();
    return void send(
      res,
      405,
      errBody('method_not_allowed', `${req.method} is not allowed here: devices POST events`),
      { Allow: 'POST' },
    );
  }
  try {
    const results =
      route === 'hikvision'
        ? await hikvision(deps, req, url)
        : route === 'dahua'
          ? await dahua(deps, req, url, segs[1])
          : await generic(deps, req, url, segs[1]);
    const queued = results.filter((r) => r.status === 'queued').length;
    send(res, 200, {
      status: queued > 0 ? 'queued' : results.every((r) => r.status === 'skipped') ? 'skipped' : 'duplicate',
      events: results.map((r) => ({ eventId: r.eventId, type: r.type, status: r.status })),
    });
  } catch (err) {
    if (err instanceof InputError) {
      const headers: Record<string, string | string[]> = { ...err.headers };
      if (err.status === 413) headers.Connection = 'close';
      deps.log.info(
        {
          path: url.pathname,
          status: err.status,
          code: err.code,
          reason: err.message,
          from: normIp(req.socket.remoteAddress),
        },
        'device request refused',
      );
      send(res, err.status, errBody(err.code, err.message), headers);
      if (!req.complete) req.resume();
      return;
    }
    if (err instanceof QueueFullError) {
      send(res, 503, errBody('queue_full', `${err.message}: retry later`), { 'Retry-After': '30' });
      return;
    }
    throw err;
  }
}

function errBody(code: string, message: string) {
  return { error: { id: code, code, message } };
}

/** Read the whole body, at most `limit` bytes (413 past it, after draining up to a hard cap). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      if (over) {
        chunks.length = 0;
        if (size > HARD_CAP) req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over)
        reject(new InputError(413, 'too_large', `body is larger than the ${limit} bytes allowed here`));
      else resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (err) => reject(badRequest('read_failed', `could not read the body: ${err.message}`)));
  });
}

interface Multipart {
  event: { text: string; kind: 'xml' | 'json' } | null;
  images: SnapshotInput[];
}

function snapshotKind(name: string): SnapshotKind {
  const n = name.toLowerCase();
  if (n.includes('face')) return 'face';
  if (n.includes('plate') || n.includes('license') || n.includes('vehicle')) return 'plate';
  return 'scene';
}

function eventKind(text: string, mime: string): 'xml' | 'json' | null {
  if (mime.includes('xml')) return 'xml';
  if (mime.includes('json')) return 'json';
  const t = text.trimStart();
  if (t.startsWith('<')) return 'xml';
  if (t.startsWith('{')) return 'json';
  return null;
}

function readMultipart(req: IncomingMessage, limit: number, textLimit: number): Promise<Multipart> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    return readBody(req, limit).then(() => ({ event: null, images: [] }));
  }
  return new Promise<Multipart>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: limit, fieldSize: textLimit, files: 12, fields: 12, parts: 24 },
      });
    } catch (err) {
      reject(badRequest('malformed_multipart', `malformed multipart request: ${(err as Error).message}`));
      return;
    }
    const out: Multipart = { event: null, images: [] };
    let total = 0;
    let failed: InputError | null = null;
    const fail = (e: InputError) => {
      if (!failed) failed = e;
    };
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total > limit)
        fail(new InputError(413, 'too_large', `multipart body is larger than the ${limit} bytes allowed`));
    });
    const takeText = (text: string, mime: string) => {
      const kind = eventKind(text, mime);
      if (kind && !out.event) out.event = { text, kind };
    };
    bb.on('field', (_name, value, info) => {
      if (info.valueTruncated)
        fail(new InputError(413, 'too_large', `a text part is larger than ${textLimit} bytes`));
      else takeText(value, info.mimeType);
    });
    const files: Promise<void>[] = [];
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () =>
        fail(new InputError(413, 'too_large', `part ${name} is larger than ${limit} bytes`)),
      );
      files.push(new Promise<void>((done) => stream.on('close', () => done())));
      stream.on('close', () => {
        const bytes = Buffer.concat(chunks);
        const mime = info.mimeType.toLowerCase();
        if (mime.startsWith('image/')) {
          if (bytes.length > 0)
            out.images.push({
              bytes,
              contentType: mime,
              kind: snapshotKind(`${name} ${info.filename ?? ''}`),
            });
        } else if (bytes.length <= textLimit) {
          takeText(bytes.toString('utf8'), mime);
        }
      });
    });
    bb.on('partsLimit', () =>
      fail(badRequest('malformed_multipart', 'too many parts in the multipart body')),
    );
    bb.on('filesLimit', () =>
      fail(badRequest('malformed_multipart', 'too many files in the multipart body')),
    );
    bb.on('error', (err: Error) => {
      req.unpipe(bb);
      req.resume();
      reject(failed ?? badRequest('malformed_multipart', `malformed multipart body: ${err.message}`));
    });
    bb.on('close', () => {
      void Promise.all(files).then(() => {
        if (failed) reject(failed);
        else resolve(out);
      });
    });
    req.pipe(bb);
  });
}

function textLimit(cfg: BridgeConfig): number {
  return cfg.http.maxBodyKb * 1024;
}

function multipartLimit(cfg: BridgeConfig): number {
  return Math.floor(cfg.http.maxMultipartMb * 1024 * 1024);
}

async function hikvision(deps: HttpInputDeps, req: IncomingMessage, url: URL): Promise<AcceptResult[]> {
  const type = mediaType(req);
  let alert: HikAlert;
  let images: SnapshotInput[] = [];
  if (type === 'application/xml' || type === 'text/xml') {
    alert = parseHikvisionXml((await readBody(req, textLimit(deps.cfg))).toString('utf8'));
  } else if (type === 'application/json') {
    alert = parseHikvisionJson((await readBody(req, textLimit(deps.cfg))).toString('utf8'));
  } else if (type === 'multipart/form-data') {
    const mp = await readMultipart(req, multipartLimit(deps.cfg), textLimit(deps.cfg));
    if (!mp.event) throw badRequest('malformed_multipart', 'multipart body has no XML or JSON event part');
    alert = mp.event.kind === 'xml' ? parseHikvisionXml(mp.event.text) : parseHikvisionJson(mp.event.text);
    images = mp.images;
  } else {
    req.resume();
    throw new InputError(
      415,
      'unsupported_media_type',
      `content type "${type || '(none)'}" is not accepted: send application/xml, application/json or multipart/form-data`,
    );
  }
  const device = findDevice(deps, req, hikIdentity(alert));
  authorize(req, device, url);
  const draft = hikvisionToDraft(alert, device, deps.mapper, images);
  return [await deps.ingest.accept(draft)];
}

function findDevice(
  deps: HttpInputDeps,
  req: IncomingMessage,
  ids: { mac?: unknown; ip?: unknown; serial?: unknown },
): DeviceConfig {
  const byPayload = deps.devices.match(ids);
  if (byPayload) return byPayload;
  // A payload that names its device (MAC/IP/serial) but matches none is an unknown device, whatever it logs in as.
  const named = [ids.mac, ids.ip, ids.serial].some((v) => typeof v === 'string' && v.trim() !== '');
  const bySource = named ? undefined : deps.devices.sourceIp(req.socket.remoteAddress);
  if (bySource) return bySource;
  const header = req.headers.authorization ?? '';
  if (!named && header.startsWith('Basic ')) {
    const user = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] ?? '';
    const d = deps.devices.byUsername(user);
    if (d) return d;
  }
  const m = named ? null : /username="([^"]*)"/.exec(header);
  if (m) {
    const d = deps.devices.byUsername(m[1]!);
    if (d) return d;
  }
  const desc = [
    ids.mac && `macAddress ${String(ids.mac)}`,
    ids.ip && `ipAddress ${String(ids.ip)}`,
    `source ${normIp(req.socket.remoteAddress)}`,
  ]
    .filter(Boolean)
    .join(', ');
  throw new InputError(403, 'unknown_device', `no configured device matches ${desc}`);
}

async function dahua(
  deps: HttpInputDeps,
  req: IncomingMessage,
  url: URL,
  code: string | undefined,
): Promise<AcceptResult[]> {
  const type = mediaType(req);
  const ok = ['text/plain', 'application/octet-stream', 'multipart/x-mixed-replace', 'multipart/mixed', ''];
  if (!ok.includes(type)) {
    req.resume();
    throw new InputError(
      415,
      'unsupported_media_type',
      `content type "${type}" is not accepted: send text/plain or multipart/x-mixed-replace`,
    );
  }
  const body = (await readBody(req, textLimit(deps.cfg))).toString('utf8');
  let device: DeviceConfig | undefined;
  if (code) {
    device = deps.devices.code(code);
    if (!device) throw new InputError(404, 'unknown_device', `no configured device ${code}`);
  } else {
    device = deps.devices.sourceIp(req.socket.remoteAddress);
    if (!device)
      throw new InputError(
        403,
        'unknown_device',
        `no configured device matches source ${normIp(req.socket.remoteAddress)}: POST to /dahua/<deviceCode>`,
      );
  }
  authorize(req, device, url);
  let texts = [body];
  if (type.startsWith('multipart/')) {
    const boundary = /boundary=("?)([^";]+)\1/i.exec(req.headers['content-type'] ?? '')?.[2];
    if (!boundary) throw badRequest('malformed_multipart', 'multipart content type has no boundary');
    texts = splitMixedParts(body, boundary);
  }
  const events = texts.flatMap((t) => parseDahuaText(t));
  if (events.length === 0) throw badRequest('malformed_dahua', 'body has no Code=… event');
  const drafts: EventDraft[] = events.map((e) => dahuaToDraft(e, device, deps.mapper));
  const results: AcceptResult[] = [];
  for (const d of drafts) results.push(await deps.ingest.accept(d));
  return results;
}

async function generic(
  deps: HttpInputDeps,
  req: IncomingMessage,
  url: URL,
  code: string | undefined,
): Promise<AcceptResult[]> {
  const type = mediaType(req);
  if (!code) {
    req.resume();
    throw new InputError(404, 'not_found', 'POST generic events to /generic/<deviceCode>');
  }
  if (type !== 'application/json') {
    req.resume();
    throw new InputError(
      415,
      'unsupported_media_type',
      `content type "${type || '(none)'}" is not accepted: send application/json`,
    );
  }
  const body = (await readBody(req, textLimit(deps.cfg))).toString('utf8');
  const device = deps.devices.code(code);
  if (!device) throw new InputError(404, 'unknown_device', `no configured device ${code}`);
  authorize(req, device, url);
  const ev = parseOwnEvent(body);
  return [
    await deps.ingest.accept(ownEventToDraft(ev, device.code, device.communityCode, deps.mapper, 'generic')),
  ];
}
