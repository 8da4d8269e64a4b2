// Per-device HTTP authentication: Basic, Digest (RFC 7616, MD5 / qop=auth, as Hikvision devices send), or a static
// token (`Authorization: Bearer …` / `?token=`), plus a source-address allow-list.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DeviceConfig } from '../config.js';
import { normIp } from '../devices.js';
import { InputError } from '../errors.js';

const REALM = 'linli-device-bridge';
const NONCE_TTL_MS = 5 * 60_000;
const nonceKey = randomBytes(32);

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function newNonce(now = Date.now()): string {
  const ts = now.toString(16);
  return `${ts}.${createHmac('sha256', nonceKey).update(ts).digest('hex').slice(0, 32)}`;
}

function nonceValid(nonce: string, now = Date.now()): boolean {
  const [ts, mac] = nonce.split('.');
  if (!ts || !mac) return false;
  const expect = createHmac('sha256', nonceKey).update(ts).digest('hex').slice(0, 32);
  return safeEq(expect, mac) && now - parseInt(ts, 16) < NONCE_TTL_MS;
}

function safeEq(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function parseDigest(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=(?:"([^"]*)"|([^\s,]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header)) !== null) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

function challenge(): Record<string, string[]> {
  return {
    'WWW-Authenticate': [
      `Digest realm="${REALM}", qop="auth", algorithm=MD5, nonce="${newNonce()}"`,
      `Basic realm="${REALM}"`,
    ],
  };
}

/** Throws 401/403 InputError unless the request may speak for the device. */
export function authorize(req: IncomingMessage, device: DeviceConfig, url: URL): void {
  const source = normIp(req.socket.remoteAddress);
  const auth = device.http;
  if (device.allowFrom.length > 0 && !device.allowFrom.map(normIp).includes(source)) {
    throw new InputError(
      403,
      'source_not_allowed',
      `source address ${source} is not allowed for device ${device.code}`,
    );
  }
  if (!auth) {
    if (device.allowFrom.length > 0) return;
    throw new InputError(
      403,
      'device_not_open',
      `device ${device.code} has neither HTTP credentials nor allowFrom configured`,
    );
  }
  const header = req.headers.authorization ?? '';
  const token = url.searchParams.get('token');
  if (auth.token) {
    if (header.startsWith('Bearer ') && safeEq(header.slice(7).trim(), auth.token)) return;
    if (token && safeEq(token, auth.token)) return;
  }
  if (auth.username && auth.password) {
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0 && safeEq(decoded.slice(0, i), auth.username) && safeEq(decoded.slice(i + 1), auth.password))
        return;
      throw new InputError(
        401,
        'bad_credentials',
        `wrong username or password for device ${device.code}`,
        challenge(),
      );
    }
    if (header.startsWith('Digest ')) {
      const p = parseDigest(header.slice(7));
      if (p.username !== auth.username || p.realm !== REALM) {
        throw new InputError(
          401,
          'bad_credentials',
          `wrong username or realm for device ${device.code}`,
          challenge(),
        );
      }
      if (!p.nonce || !nonceValid(p.nonce)) {
        throw new InputError(401, 'stale_nonce', 'digest nonce is unknown or expired', challenge());
      }
      const ha1 = md5(`${auth.username}:${REALM}:${auth.password}`);
      const ha2 = md5(`${req.method}:${p.uri ?? ''}`);
      const expect = p.qop
        ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)
        : md5(`${ha1}:${p.nonce}:${ha2}`);
      if (p.response && safeEq(expect, p.response)) return;
      throw new InputError(
        401,
        'bad_credentials',
        `wrong digest response for device ${device.code}`,
        challenge(),
      );
    }
  }
  throw new InputError(401, 'auth_required', `device ${device.code} must authenticate`, challenge());
}

/** Digest client side (tests and the Dahua pull): the Authorization header answering a challenge. */
export function digestAuthorization(
  wwwAuthenticate: string,
  method: string,
  uri: string,
  username: string,
  password: string,
  nc = 1,
): string {
  const p = parseDigest(wwwAuthenticate.replace(/^Digest\s+/i, ''));
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const cnonce = randomBytes(8).toString('hex');
  const ncs = nc.toString(16).padStart(8, '0');
  const ha1 = md5(`${username}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const qop = p.qop ? 'auth' : undefined;
  const response = qop
    ? md5(`${ha1}:${nonce}:${ncs}:${cnonce}:${qop}:${ha2}`)
    : md5(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username="${username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${uri}"`,
    `response="${response}"`,
    ...(p.opaque ? [`opaque="${p.opaque}"`] : []),
    ...(qop ? [`qop=${qop}`, `nc=${ncs}`, `cnonce="${cnonce}"`] : []),
    'algorithm=MD5',
  ];
  return `Digest ${parts.join(', ')}`;
}
