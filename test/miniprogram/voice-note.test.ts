// A repair report with a voice note (语音说明), in the browser build: Chromium records from its fake microphone
// (the page's MediaRecorder), the resident listens to the recording's length, sends the report, and the repair
// carries an audio file the server checked (MP4 or WebM by its first bytes) that its detail page offers to play.
// Screenshots go to screenshots/.
import { apiClient, CHROMIUM, hasChromium, newPhone, shootPage, usePhoneLab } from './harness.js';
import { sleep } from '../support/server-process.js';

const run = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`voice-note: ${CHROMIUM} is missing; the browser test is skipped`);

const TOP = '.taro_page_stationed';

run('mini-program (h5): a repair report with a voice note', () => {
  // a fake microphone (a tone), and no permission prompt for it
  const lab = usePhoneLab({
    chromiumArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });

  test('records, sends with the report, and the detail plays it', async () => {
    const page = await newPhone(lab().browser, lab().contexts);
    await page.context().grantPermissions(['microphone'], { origin: lab().front.base });
    await page.goto(`${lab().front.base}/`);
    await page.waitForSelector('#dev-username');
    await page.fill('#dev-username input', 'resident1');
    await page.click('#dev-login');
    await page.waitForSelector('[data-testid="room"]');
    await page.click('#go-report');
    await page.waitForSelector(`${TOP} #category-electricity`);
    await page.click(`${TOP} #category-electricity`);
    await page.fill(`${TOP} #description textarea`, '楼道声控灯不亮，晚上看不清台阶');

    // record about two seconds, then stop: the length shows and it can be played or deleted
    await page.click(`${TOP} #voice-record`);
    await page.waitForSelector(`${TOP} #voice-stop`);
    await sleep(2_000);
    await page.click(`${TOP} #voice-stop`);
    await page.waitForSelector(`${TOP} [data-testid="voice-recorded"]`);
    expect(await page.textContent(`${TOP} #voice-play`)).toMatch(/语音 0:0[1-9]/);
    await shootPage(page, 'repair-report', 'voice-1-recorded.png');

    await page.click(`${TOP} #submit-repair`);
    await page.waitForSelector(`${TOP} [data-testid="repair-detail"] #repair-voice`);
    const repairId = new URL(page.url().replace('#', '')).searchParams.get('id')!;
    await shootPage(page, 'repair-detail', 'voice-2-detail.png');

    // the repair names an audio file the server took as a recording
    const api = apiClient(lab().server.base);
    const { token } = await api.login('resident1');
    const repair = await api.call('GET', `/repairs/${repairId}`, undefined, token);
    expect(repair.body.voiceFileId).toBeTruthy();
    const file = await fetch(`${lab().server.base}/api/v1/files/${repair.body.voiceFileId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(file.status).toBe(200);
    const type = file.headers.get('content-type');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(1000);
    if (type === 'audio/mp4') expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    else expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
  });
});
