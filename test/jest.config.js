import preset from '../jest.preset.js';
// forceExit: the browser tests' Chromium and static servers are closed in afterAll, but a lingering socket must
// never keep CI waiting after the results are in
export default { ...preset, testTimeout: 120000, forceExit: true };
