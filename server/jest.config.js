import preset from '../jest.preset.js';

export default {
  ...preset,
  // PGlite instances are large; a few workers keep memory and start-up in check on 2 cores.
  maxWorkers: 2,
  // generous: CI may share the machine; a slow run must not fail a test that would pass
  testTimeout: 180_000,
};
