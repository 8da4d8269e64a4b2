// The HTTP receiver with the fixture payloads (and variations) posted over real HTTP; the test ingest server checks
// the signatures and records what the bridge forwarded.
import { CAM_AUTH, COMMUNITY, basic, fixture, post, startWorld, type World } from '../testing/harness.js';
import { digestAuthorization } from './auth.js';

const auth = { Authorization: basic(CAM_AUTH.username, CAM_AUTH.password) };

function multipartFixture(): { body: Buffer; type: string } {
  const raw = fixture('hik-face-multipart.txt');
  const nl = raw.indexOf(0x0a);
  const boundary = raw
    .subarray(0, nl)
    .toString('latin1')
    .trim()
    .replace(/^boundary=/, '');
  return { body: raw.subarray(nl + 1), type: `multipart/form-data; boundary=${boundary}` };
}

describe('HTTP receiver', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it('forwards a Hikvision motion alarm (XML) as a signed motion event of the matched camera', async () => {
    const res = await post(`${w.bridge.httpUrl}/hikvision`, fixture('hik-vmd.xml'), 'application/xml', auth);
    expect(res.status).toBe(200);
    await w.ingest.waitForEvents(1);
    const ev = w.ingest.events[0]!;
    expect(ev).toMatchObject({
      deviceCode: 'FH-CAM-31',
      communityCode: COMMUNITY,
      source: 'hikvision',
      vendorCode: 'VMD',
      type: 'motion',
      state: 'start',
      occurredAt: '2026-11-20T13:14:05.000Z',
      channel: 1,
    });
    expect(ev.eventId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('maps a door contact alarm input to door_forced and keeps the vendor fields', async () => {
    const res = await post(`${w.bridge.httpUrl}/hikvision`, fixture('hik-io-door.xml'), 'text/xml', auth);
    expect(res.status).toBe(200);
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]).toMatchObject({
      deviceCode: 'FH-DOOR-40',
      type: 'door_forced',
      vendorCode: 'IO',
      payload: { inputIOPortID: '1', channelName: '3号楼东门' },
    });
  });

  it('keeps an access-controller code nobody mapped as unclassified, keyed by device + serialNo', async () => {
    const res = await post(
      `${w.bridge.httpUrl}/hikvision`,
      fixture('hik-access-event.json'),
      'application/json',
      auth,
    );
    expect(res.status).toBe(200);
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]).toMatchObject({
      deviceCode: 'FH-DOOR-52',
      eventId: 'FH-DOOR-52:10422',
      vendorCode: 'AccessControllerEvent:5:83',
      type: 'unclassified',
      state: 'pulse',
    });
  });

  it('maps access controller denied and tailgating codes, and never logs the card holder', async () => {
    const base = JSON.parse(fixture('hik-access-event.json').toString('utf8')) as Record<string, unknown>;
    const ace = base.AccessControllerEvent as Record<string, unknown>;
    const denied = {
      ...base,
      AccessControllerEvent: {
        ...ace,
        subEventType: 9,
        serialNo: 20001,
        cardNo: '1234567890',
        name: '张三',
        employeeNoString: 'E0042',
      },
    };
    const tail = { ...base, AccessControllerEvent: { ...ace, subEventType: 133, serialNo: 20002 } };
    expect(
      (await post(`${w.bridge.httpUrl}/hikvision`, JSON.stringify(denied), 'application/json', auth)).status,
    ).toBe(200);
    expect(
      (await post(`${w.bridge.httpUrl}/hikvision`, JSON.stringify(tail), 'application/json', auth)).status,
    ).toBe(200);
    await w.ingest.waitForEvents(2);
    expect(w.ingest.events.map((e) => e.type)).toEqual(['access_denied', 'tailgating']);
    expect(w.ingest.events[0]!.vendorCode).toBe('AccessControllerEvent:5:9');
  });

  it('stores the JPEG of a multipart face capture as a face snapshot and links it to the event', async () => {
    const { body, type } = multipartFixture();
    const res = await post(`${w.bridge.httpUrl}/hikvision`, body, type, auth);
    expect(res.status).toBe(200);
    await w.ingest.waitForEvents(1);
    const ev = w.ingest.events[0]!;
    expect(ev).toMatchObject({
      deviceCode: 'FH-CAM-33',
      type: 'face_watchlist',
      vendorCode: 'faceSnap',
      channel: 2,
    });
    expect(ev.snapshots).toHaveLength(1);
    const snap = ev.snapshots[0]!;
    expect(snap.kind).toBe('face');
    const stored = [...w.ingest.snapshots.values()].find((s) => s.fileId === snap.fileId)!;
    expect(stored.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(stored.kind).toBe('face');
    expect(snap.size).toBe(stored.bytes.length);
  });

  it('answers a resend (isDataRetransmission) as a duplicate and forwards the event once', async () => {
    const xml = fixture('hik-vmd.xml').toString('utf8');
    const resend = xml.replace(
      '</eventDescription>',
      '</eventDescription>\n<isDataRetransmission>true</isDataRetransmission>',
    );
    expect(
      (await post(`${w.bridge.httpUrl}/hikvision`, xml, 'application/xml', auth)).json.events?.[0]?.status,
    ).toBe('queued');
    const again = await post(`${w.bridge.httpUrl}/hikvision`, resend, 'application/xml', auth);
    expect(again.status).toBe(200);
    expect(again.json.events?.[0]?.status).toBe('duplicate');
    await w.ingest.waitForEvents(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(w.ingest.events).toHaveLength(1);
    expect(w.ingest.duplicates).toHaveLength(0);
  });

  it('forwards the inactive state of an alarm as its stop, a separate event', async () => {
    const xml = fixture('hik-vmd.xml').toString('utf8');
    await post(`${w.bridge.httpUrl}/hikvision`, xml, 'application/xml', auth);
    await post(
      `${w.bridge.httpUrl}/hikvision`,
      xml.replace('>active<', '>inactive<'),
      'application/xml',
      auth,
    );
    await w.ingest.waitForEvents(2);
    expect(w.ingest.events.map((e) => e.state)).toEqual(['start', 'stop']);
  });

  it('turns a heartBeat into at most one heartbeat event per device per window', async () => {
    const hb = fixture('hik-vmd.xml')
      .toString('utf8')
      .replace('<eventType>VMD</eventType>', '<eventType>heartBeat</eventType>');
    const first = await post(`${w.bridge.httpUrl}/hikvision`, hb, 'application/xml', auth);
    const second = await post(
      `${w.bridge.httpUrl}/hikvision`,
      hb.replace('21:14:05', '21:14:35'),
      'application/xml',
      auth,
    );
    expect(first.json.events?.[0]).toMatchObject({ type: 'heartbeat', status: 'queued' });
    expect(second.json.events?.[0]).toMatchObject({ type: 'heartbeat', status: 'skipped' });
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]).toMatchObject({ type: 'heartbeat', deviceCode: 'FH-CAM-31' });
  });

  it('keeps an unknown Hikvision eventType as unclassified', async () => {
    const xml = fixture('hik-vmd.xml').toString('utf8').replace('>VMD<', '>shelteralarm<');
    expect((await post(`${w.bridge.httpUrl}/hikvision`, xml, 'application/xml', auth)).status).toBe(200);
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]).toMatchObject({ type: 'unclassified', vendorCode: 'shelteralarm' });
  });

  it('uses the ANPR UUID as the event id and maps a blocklisted plate to plate_watchlist', async () => {
    const xml = fixture('hik-vmd.xml')
      .toString('utf8')
      .replace('>VMD<', '>ANPR<')
      .replace(
        '</eventDescription>',
        '</eventDescription>\n<UUID>6e0ac1c2-51f4-4d6e-9d61-7f7b0f3c2a11</UUID>\n<ANPR><licensePlate>鲁H12345</licensePlate><vehicleListName>blackList</vehicleListName></ANPR>',
      );
    expect((await post(`${w.bridge.httpUrl}/hikvision`, xml, 'application/xml', auth)).status).toBe(200);
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]).toMatchObject({
      eventId: '6e0ac1c2-51f4-4d6e-9d61-7f7b0f3c2a11',
      type: 'plate_watchlist',
      vendorCode: 'ANPR:blackList',
      payload: { ANPR: { licensePlate: '鲁H12345' } },
    });
  });

  it('accepts Dahua event text pushed by the camera, one event per Code line', async () => {
    const raw = fixture('dahua-motion-stream.txt').toString('utf8');
    const res = await post(
      `${w.bridge.httpUrl}/dahua/FH-DH-01`,
      raw,
      'multipart/x-mixed-replace; boundary=myboundary',
    );
    expect(res.status).toBe(200);
    const single = 'Code=CrossLineDetection;action=Pulse;index=1;data={"UTC":1795700300}';
    expect((await post(`${w.bridge.httpUrl}/dahua/FH-DH-01`, single, 'text/plain')).status).toBe(200);
    await w.ingest.waitForEvents(3);
    expect(w.ingest.events.map((e) => [e.vendorCode, e.type, e.state])).toEqual([
      ['VideoMotion', 'motion', 'start'],
      ['VideoMotion', 'motion', 'stop'],
      ['CrossLineDetection', 'intrusion', 'pulse'],
    ]);
    expect(w.ingest.events[0]).toMatchObject({
      deviceCode: 'FH-DH-01',
      source: 'dahua',
      channel: 0,
      occurredAt: '2026-11-26T13:37:30.000Z',
    });
  });

  it('accepts the project format over HTTP with the device token', async () => {
    const res = await post(
      `${w.bridge.httpUrl}/generic/FH-LIFT-07`,
      fixture('mqtt-ebike-lift.json'),
      'application/json',
      {
        Authorization: 'Bearer lift-token-123',
      },
    );
    expect(res.status).toBe(200);
    await w.ingest.waitForEvents(1);
    expect(w.ingest.events[0]).toMatchObject({
      eventId: 'lift-07-20261121-184403-0001',
      deviceCode: 'FH-LIFT-07',
      type: 'ebike_in_lift',
      source: 'generic',
      payload: { severity: 'high', data: { liftId: 'B7-L1', confidence: 0.93 } },
    });
  });

  it('accepts Digest authentication after a challenge', async () => {
    const url = `${w.bridge.httpUrl}/hikvision`;
    const first = await fetch(url, {
      method: 'POST',
      body: fixture('hik-vmd.xml'),
      headers: { 'Content-Type': 'application/xml' },
    });
    expect(first.status).toBe(401);
    const challenge = first.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/Digest realm=/);
    const header = digestAuthorization(
      challenge.split(', Basic')[0]!,
      'POST',
      '/hikvision',
      CAM_AUTH.username,
      CAM_AUTH.password,
    );
    const second = await post(url, fixture('hik-vmd.xml'), 'application/xml', { Authorization: header });
    expect(second.status).toBe(200);
    await w.ingest.waitForEvents(1);
  });

  describe('refuses bad requests with a clear reason and loses nothing valid', () => {
    it.each([
      [
        'malformed XML',
        '/hikvision',
        '<EventNotificationAlert><eventType>VMD</eventType>',
        'application/xml',
        400,
        /malformed XML/,
      ],
      [
        'XML that is no event',
        '/hikvision',
        '<?xml version="1.0"?><Other/>',
        'application/xml',
        400,
        /no EventNotificationAlert/,
      ],
      ['malformed JSON', '/hikvision', '{"eventType": "VMD",', 'application/json', 400, /malformed JSON/],
      ['an unsupported type', '/hikvision', 'hello', 'text/csv', 415, /not accepted/],
      [
        'a multipart body cut short',
        '/hikvision',
        '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n<a',
        'multipart/form-data; boundary=b',
        400,
        /multipart/,
      ],
      ['multipart without a boundary', '/hikvision', 'x', 'multipart/form-data', 400, /multipart/],
      [
        'an event of the project format missing occurredAt',
        '/generic/FH-LIFT-07',
        '{"eventId":"a","type":"x"}',
        'application/json',
        400,
        /occurredAt/,
      ],
      ['an unknown path', '/nope', '{}', 'application/json', 404, /no receiver/],
      ['a bad Dahua line', '/dahua/FH-DH-01', 'Hello=1', 'text/plain', 400, /not a Dahua event line/],
    ])('%s', async (_name, path, body, type, status, message) => {
      const headers = path.startsWith('/generic') ? { Authorization: 'Bearer lift-token-123' } : auth;
      const res = await post(`${w.bridge.httpUrl}${path}`, body, type, headers);
      expect(res.status).toBe(status);
      expect(res.json.error?.message).toMatch(message);
      // the bridge still works
      expect(
        (await post(`${w.bridge.httpUrl}/hikvision`, fixture('hik-vmd.xml'), 'application/xml', auth)).status,
      ).toBe(200);
      await w.ingest.waitForEvents(1);
      expect(w.ingest.events).toHaveLength(1);
    });

    it('answers 401 for a wrong password and 403 for an unknown device', async () => {
      const wrong = await post(`${w.bridge.httpUrl}/hikvision`, fixture('hik-vmd.xml'), 'application/xml', {
        Authorization: basic('cam', 'nope'),
      });
      expect(wrong.status).toBe(401);
      expect(wrong.json.error?.code).toBe('bad_credentials');
      const stranger = fixture('hik-vmd.xml')
        .toString('utf8')
        .replace('10.20.1.31', '10.9.9.9')
        .replace('44:19:b6:0a:11:31', '00:00:00:00:00:01');
      const unknown = await post(`${w.bridge.httpUrl}/hikvision`, stranger, 'application/xml', auth);
      expect(unknown.status).toBe(403);
      expect(unknown.json.error?.message).toMatch(
        /no configured device matches macAddress 00:00:00:00:00:01/,
      );
      const noToken = await post(
        `${w.bridge.httpUrl}/generic/FH-LIFT-07`,
        fixture('mqtt-ebike-lift.json'),
        'application/json',
      );
      expect(noToken.status).toBe(401);
      expect(w.bridge.queue.depth + w.ingest.events.length).toBe(0);
    });

    it('answers 413 for a body over the limit and stays up', async () => {
      const big = `<?xml version="1.0"?><EventNotificationAlert>${'x'.repeat(300 * 1024)}</EventNotificationAlert>`;
      const res = await post(`${w.bridge.httpUrl}/hikvision`, big, 'application/xml', auth);
      expect(res.status).toBe(413);
      expect(res.json.error?.message).toMatch(/larger than/);
      expect(
        (await post(`${w.bridge.httpUrl}/hikvision`, fixture('hik-vmd.xml'), 'application/xml', auth)).status,
      ).toBe(200);
      await w.ingest.waitForEvents(1);
    });
  });
});

describe('HTTP receiver with a full queue', () => {
  it('answers 503 when the queue is at its bound and keeps what it stored', async () => {
    const w = await startWorld({}, { queueMaxBytes: 128 * 1024 }, { segmentBytes: 64 * 1024 });
    try {
      await w.ingest.stop();
      const xml = fixture('hik-vmd.xml').toString('utf8');
      let status = 200;
      let stored = 0;
      for (let i = 0; i < 400 && status === 200; i += 1) {
        const body = xml
          .replace(
            '21:14:05',
            `21:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
          )
          .replace(
            '<eventDescription>Motion alarm',
            `<eventDescription>Motion alarm ${'y'.repeat(400)} ${i}`,
          );
        const res = await post(`${w.bridge.httpUrl}/hikvision`, body, 'application/xml', auth);
        status = res.status;
        if (status === 200) stored += 1;
        else expect(res.json.error?.code).toBe('queue_full');
      }
      expect(status).toBe(503);
      expect(w.bridge.queue.depth).toBe(stored);
      await w.ingest.start();
      w.bridge.forwarder.wake();
      await w.ingest.waitForEvents(stored);
      expect(w.ingest.events).toHaveLength(stored);
    } finally {
      await w.close();
    }
  });
});
