// Pulls a Dahua camera's event stream: GET /cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=30, a
// multipart/x-mixed-replace response that never ends. Parts are parsed as they arrive (a part may be split across
// chunks; Content-Length is used when given, else the next boundary). Digest or Basic auth; reconnects with backoff.
import http, { type IncomingMessage } from 'node:http';
import type { DeviceConfig } from '../config.js';
import type { Ingest } from '../ingest.js';
import type { Logger } from '../log.js';
import type { Mapper } from '../mapping.js';
import { dahuaToDraft, parseDahuaText } from '../normalize/dahua.js';
import { QueueFullError } from '../queue.js';
import { digestAuthorization } from './auth.js';

/** Incremental multipart/x-mixed-replace parser: feed chunks, get part bodies. */
export class MixedReplaceParser {
  private buf: Buffer = Buffer.alloc(0);
  private readonly marker: Buffer;

  constructor(boundary: string) {
    this.marker = Buffer.from(`--${boundary.replace(/^--/, '')}`);
  }

  push(chunk: Buffer): string[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: string[] = [];
    for (;;) {
      const start = this.buf.indexOf(this.marker);
      if (start < 0) {
        // keep a tail that could be the start of a marker
        if (this.buf.length > this.marker.length)
          this.buf = this.buf.subarray(this.buf.length - this.marker.length);
        return out;
      }
      const afterMarker = start + this.marker.length;
      const headEnd = indexOfBlank(this.buf, afterMarker);
      if (headEnd < 0) {
        this.buf = this.buf.subarray(start);
        return out;
      }
      const head = this.buf.subarray(afterMarker, headEnd.valueOf()).toString('latin1');
      const bodyStart = headEnd + (this.buf[headEnd] === 13 ? 4 : 2);
      const len = /content-length:\s*(\d+)/i.exec(head);
      let bodyEnd: number;
      if (len) {
        bodyEnd = bodyStart + Number(len[1]);
        if (this.buf.length < bodyEnd) {
          this.buf = this.buf.subarray(start);
          return out;
        }
        const next = this.buf.indexOf(this.marker, bodyStart);
        // a wrong Content-Length: trust the boundary
        if (next >= 0 && next < bodyEnd) bodyEnd = next;
      } else {
        const next = this.buf.indexOf(this.marker, bodyStart);
        if (next < 0) {
          this.buf = this.buf.subarray(start);
          return out;
        }
        bodyEnd = next;
      }
      out.push(this.buf.subarray(bodyStart, bodyEnd).toString('utf8').trim());
      this.buf = this.buf.subarray(bodyEnd);
    }
  }
}

function indexOfBlank(buf: Buffer, from: number): number {
  const crlf = buf.indexOf('\r\n\r\n', from);
  const lf = buf.indexOf('\n\n', from);
  if (crlf < 0) return lf;
  if (lf < 0) return crlf;
  return Math.min(crlf, lf);
}

export interface DahuaPullDeps {
  ingest: Ingest;
  mapper: Mapper;
  log: Logger;
}

export class DahuaPuller {
  private stopped = false;
  private req: http.ClientRequest | null = null;
  private backoff = 1000;
  private timer: NodeJS.Timeout | null = null;
  connected = false;

  constructor(
    private readonly device: DeviceConfig,
    private readonly d: DahuaPullDeps,
  ) {}

  start(): void {
    this.connect(undefined);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.req?.destroy();
  }

  private path(): string {
    const pull = this.device.dahuaPull!;
    return `/cgi-bin/eventManager.cgi?action=attach&codes=${pull.codes}&heartbeat=30`;
  }

  private connect(authorization: string | undefined): void {
    if (this.stopped) return;
    const pull = this.device.dahuaPull!;
    const url = new URL(pull.url);
    const path = this.path();
    const headers: Record<string, string> = {};
    if (authorization) headers.Authorization = authorization;
    const req = http.get({ host: url.hostname, port: url.port || 80, path, headers }, (res) =>
      this.onResponse(res, path, authorization !== undefined),
    );
    this.req = req;
    req.on('error', (err) => {
      this.d.log.warn({ deviceCode: this.device.code, err: err.message }, 'dahua event stream failed');
      this.retry();
    });
  }

  private onResponse(res: IncomingMessage, path: string, authed: boolean): void {
    const pull = this.device.dahuaPull!;
    if (res.statusCode === 401 && !authed) {
      res.resume();
      const challenge = String(res.headers['www-authenticate'] ?? '');
      const auth = /^digest/i.test(challenge)
        ? digestAuthorization(challenge, 'GET', path, pull.username, pull.password)
        : `Basic ${Buffer.from(`${pull.username}:${pull.password}`).toString('base64')}`;
      this.connect(auth);
      return;
    }
    if (res.statusCode !== 200) {
      res.resume();
      this.d.log.warn({ deviceCode: this.device.code, status: res.statusCode }, 'dahua event stream refused');
      this.retry();
      return;
    }
    const boundary =
      /boundary=("?)([^";]+)\1/i.exec(String(res.headers['content-type'] ?? ''))?.[2] ?? 'myboundary';
    const parser = new MixedReplaceParser(boundary);
    this.connected = true;
    this.backoff = 1000;
    this.d.log.info({ deviceCode: this.device.code }, 'dahua event stream attached');
    let chain = Promise.resolve();
    res.on('data', (chunk: Buffer) => {
      const parts = parser.push(chunk);
      if (parts.length === 0) return;
      // keep order; hold the socket while the queue catches up
      res.pause();
      chain = chain
        .then(async () => {
          for (const p of parts) await this.onPart(p);
        })
        .catch((err: unknown) =>
          this.d.log.error({ err, deviceCode: this.device.code }, 'dahua event not queued'),
        )
        .then(() => {
          res.resume();
        });
    });
    res.on('end', () => {
      this.connected = false;
      this.retry();
    });
    res.on('error', () => undefined);
  }

  private async onPart(text: string): Promise<void> {
    if (!text) return;
    if (/^heartbeat$/i.test(text)) {
      this.d.ingest.hook?.seen(this.device.code, this.device.communityCode);
      return;
    }
    let events;
    try {
      events = parseDahuaText(text);
    } catch (err) {
      this.d.log.warn(
        { deviceCode: this.device.code, reason: (err as Error).message },
        'unparsable dahua event part',
      );
      return;
    }
    for (const e of events) {
      for (;;) {
        try {
          await this.d.ingest.accept(dahuaToDraft(e, this.device, this.d.mapper));
          break;
        } catch (err) {
          if (!(err instanceof QueueFullError) || this.stopped) throw err;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    this.connected = false;
    const delay = Math.round(this.backoff / 2 + (Math.random() * this.backoff) / 2);
    this.backoff = Math.min(this.backoff * 2, 30_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect(undefined);
    }, delay);
  }
}
