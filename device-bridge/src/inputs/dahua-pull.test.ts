// The Dahua event stream pulled from a fake camera over real HTTP: Digest login, parts split across chunks,
// reconnect after the camera drops the stream.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseDigest } from './auth.js';
import { MixedReplaceParser } from './dahua-pull.js';
import { COMMUNITY, fixture, startWorld } from '../testing/harness.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('MixedReplaceParser', () => {
  it('yields each part once however the stream is cut into chunks', () => {
    const raw = fixture('dahua-motion-stream.txt');
    for (const size of [1, 3, 7, 64, raw.length]) {
      const p = new MixedReplaceParser('myboundary');
      const parts: string[] = [];
      for (let i = 0; i < raw.length; i += size) parts.push(...p.push(raw.subarray(i, i + size)));
      parts.push(...p.push(Buffer.from('\r\n--myboundary\r\n')));
      expect(parts.map((t) => t.split(';')[1])).toEqual(['action=Start', 'action=Stop']);
    }
  });
});

describe('Dahua pull', () => {
  it('logs in with Digest, reads events split across chunks, and reconnects when the camera drops the stream', async () => {
    let connections = 0;
    let authFailures = 0;
    const camera = http.createServer((req, res) => {
      const auth = req.headers.authorization;
      if (!auth) {
        res.writeHead(401, {
          'WWW-Authenticate': 'Digest realm="Login to DAHUA", qop="auth", nonce="n0nce", opaque="op"',
        });
        res.end();
        return;
      }
      const p = parseDigest(auth.replace(/^Digest\s+/, ''));
      const ha1 = md5(`admin:Login to DAHUA:cam-pass`);
      const ha2 = md5(`GET:${p.uri}`);
      if (
        p.response !== md5(`${ha1}:n0nce:${p.nc}:${p.cnonce}:auth:${ha2}`) ||
        !req.url?.startsWith('/cgi-bin/eventManager.cgi?action=attach&codes=[All]')
      ) {
        authFailures += 1;
        res.writeHead(401);
        res.end();
        return;
      }
      connections += 1;
      res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=myboundary' });
      if (connections === 1) {
        const raw = fixture('dahua-motion-stream.txt');
        let i = 0;
        const tick = setInterval(() => {
          res.write(raw.subarray(i, i + 13));
          i += 13;
          if (i >= raw.length) {
            clearInterval(tick);
            res.write('\r\n--myboundary\r\nContent-Type: text/plain\r\n\r\nHeartbeat\r\n');
            setTimeout(() => res.end(), 100);
          }
        }, 2);
      } else {
        res.write(
          '--myboundary\r\nContent-Type: text/plain\r\n\r\nCode=CrossRegionDetection;action=Start;index=2;data={"UTC":1795700400}\r\n--myboundary\r\n',
        );
      }
    });
    await new Promise<void>((resolve) => camera.listen(0, '127.0.0.1', () => resolve()));
    const port = (camera.address() as AddressInfo).port;
    const devices = [
      {
        code: 'FH-DH-01',
        vendor: 'dahua',
        kind: 'camera',
        communityCode: COMMUNITY,
        dahuaPull: { url: `http://127.0.0.1:${port}`, username: 'admin', password: 'cam-pass' },
      },
    ];
    const w = await startWorld({ devices });
    try {
      await w.ingest.waitForEvents(3);
      expect(authFailures).toBe(0);
      expect(connections).toBeGreaterThanOrEqual(2);
      expect(w.ingest.events.map((e) => [e.deviceCode, e.vendorCode, e.type, e.state, e.channel])).toEqual([
        ['FH-DH-01', 'VideoMotion', 'motion', 'start', 0],
        ['FH-DH-01', 'VideoMotion', 'motion', 'stop', 0],
        ['FH-DH-01', 'CrossRegionDetection', 'intrusion', 'start', 2],
      ]);
    } finally {
      await w.close();
      camera.closeAllConnections();
      await new Promise<void>((resolve) => camera.close(() => resolve()));
    }
  });
});
