import preset from '../jest.preset.js';

export default {
  ...preset,
  // PGlite instances are large; a few workers keep memory and start-up in check on 2 cores.
  maxWorkers: 2,
  testTimeout: 60_000,
};
