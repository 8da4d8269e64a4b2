// The durable queue on its own: order, snapshots, recovery after a torn write, the bound, segment clean-up.
import { promises as fsp, rmSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { DurableQueue, QueueFullError, type QueuedEvent } from './queue.js';
import { tempDir } from './testing/harness.js';

const log = pino({ level: 'silent' });
const key = Buffer.alloc(32, 3);

function ev(i: number): QueuedEvent {
  return {
    eventId: `e-${i}`,
    deviceCode: 'FH-CAM-31',
    source: 'hikvision',
    vendorCode: 'VMD',
    type: 'motion',
    state: 'pulse',
    occurredAt: new Date(1_795_000_000_000 + i * 1000).toISOString(),
    receivedAt: new Date().toISOString(),
    count: 1,
    payload: { i },
  };
}

describe('DurableQueue', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('linli-queue-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back after a reopen every event in order, with its snapshot bytes', async () => {
    const q = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await q.open();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5000, 7)]);
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        q.enqueue(
          `k${i}`,
          ev(i),
          i % 50 === 0 ? [{ bytes: jpeg, contentType: 'image/jpeg', kind: 'scene' }] : [],
        ),
      ),
    );
    // no close: as after a crash
    const again = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await again.open();
    const items = again.peek(1000);
    expect(items.map((x) => x.event.eventId)).toEqual(Array.from({ length: 300 }, (_, i) => `e-${i}`));
    expect(items.map((x) => x.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(await again.readSnapshot(items[100]!, 0)).toEqual(jpeg);
    expect(again.seen('k42')).toBe(true);
    await q.close();
    await again.close();
  });

  it('keeps events and snapshots sealed on disk, and refuses to open them with another key', async () => {
    const q = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await q.open();
    const face = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff]),
      Buffer.from('FACE-PIXELS-OF-张三'.repeat(50)),
    ]);
    const personal = {
      ...ev(1),
      payload: { name: '张三', idNumber: '370902199001011234', plate: '鲁J12345' },
    };
    await q.enqueue('k1', personal, [{ bytes: face, contentType: 'image/jpeg', kind: 'face' }]);
    const files = (await fsp.readdir(dir)).filter((f) => f.endsWith('.log'));
    const disk = Buffer.concat(await Promise.all(files.map((f) => fsp.readFile(path.join(dir, f)))));
    for (const plain of ['370902199001011234', '张三', '鲁J12345', 'FACE-PIXELS'])
      expect(disk.includes(Buffer.from(plain, 'utf8'))).toBe(false);
    // the same key gives it all back
    const again = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await again.open();
    const [item] = again.peek(10);
    expect(item!.event.payload).toEqual(personal.payload);
    expect(await again.readSnapshot(item!, 0)).toEqual(face);
    await again.close();
    // another key: a clear error, not an empty queue
    const wrong = new DurableQueue({
      dir,
      maxBytes: 8 << 20,
      segmentBytes: 64 * 1024,
      log,
      key: Buffer.alloc(32, 4),
    });
    await expect(wrong.open()).rejects.toThrow(/cannot be opened with this BRIDGE_DATA_KEY/);
    await q.close();
  });

  it('ignores a half-written record left by a kill and keeps appending after the last good one', async () => {
    const q = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await q.open();
    for (let i = 0; i < 3; i += 1) await q.enqueue(`k${i}`, ev(i));
    await q.close();
    // a torn record after the last good one: a valid-looking header whose body never made it to disk
    const seg = path.join(
      dir,
      (await fsp.readdir(dir)).find((n) => n.startsWith('seg-'))!,
    );
    const buf = await fsp.readFile(seg);
    let end = 0;
    while (buf.readUInt32LE(end) === 0x4c514531) end += 16 + buf.readUInt32LE(end + 4);
    const fd = await fsp.open(seg, 'r+');
    const torn = Buffer.alloc(40);
    torn.writeUInt32LE(0x4c514531, 0);
    torn.writeUInt32LE(500, 4);
    torn.write('{"seq":4,"key":"k3"', 16);
    await fd.write(torn, 0, torn.length, end);
    await fd.close();
    const again = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await again.open();
    expect(again.peek(10).map((x) => x.event.eventId)).toEqual(['e-0', 'e-1', 'e-2']);
    await again.enqueue('k3', ev(3));
    await again.close();
    const third = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await third.open();
    expect(third.peek(10).map((x) => [x.seq, x.event.eventId])).toEqual([
      [1, 'e-0'],
      [2, 'e-1'],
      [3, 'e-2'],
      [4, 'e-3'],
    ]);
    await third.close();
  });

  it('forgets answered events, deletes their segments, and keeps sequence numbers rising after a reopen', async () => {
    const q = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await q.open();
    const big = { ...ev(0), payload: { pad: 'x'.repeat(3000) } };
    for (let i = 0; i < 60; i += 1) await q.enqueue(`k${i}`, { ...big, eventId: `e-${i}` });
    const segsBefore = (await fsp.readdir(dir)).filter((n) => n.startsWith('seg-')).length;
    expect(segsBefore).toBeGreaterThan(2);
    await q.markDone(55);
    expect(q.depth).toBe(5);
    const segsAfter = (await fsp.readdir(dir)).filter((n) => n.startsWith('seg-')).length;
    expect(segsAfter).toBeLessThan(segsBefore);
    await q.close();
    const again = new DurableQueue({ dir, maxBytes: 8 << 20, segmentBytes: 64 * 1024, log, key });
    await again.open();
    expect(again.peek(10).map((x) => x.seq)).toEqual([56, 57, 58, 59, 60]);
    expect((await again.enqueue('new', ev(99))).seq).toBe(61);
    expect(again.seen('k3')).toBe(true);
    await again.close();
  });

  it('refuses new events at its bound instead of dropping stored ones', async () => {
    const q = new DurableQueue({ dir, maxBytes: 256 * 1024, segmentBytes: 64 * 1024, log, key });
    await q.open();
    const big = { ...ev(0), payload: { pad: 'x'.repeat(2000) } };
    let stored = 0;
    let refused: unknown = null;
    for (let i = 0; i < 1000 && !refused; i += 1) {
      try {
        await q.enqueue(`k${i}`, { ...big, eventId: `e-${i}` });
        stored += 1;
      } catch (err) {
        refused = err;
      }
    }
    expect(refused).toBeInstanceOf(QueueFullError);
    expect(q.depth).toBe(stored);
    expect(q.diskBytes()).toBeLessThanOrEqual(256 * 1024);
    expect(q.seen(`k${stored}`)).toBe(false);
    await q.markDone(stored);
    await q.enqueue('later', ev(5000));
    expect(q.depth).toBe(1);
    await q.close();
  });
});
