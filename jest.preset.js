// Shared Jest settings: ESM TypeScript through ts-jest (transpile only; `npm run typecheck` checks types).
// Jest must run with NODE_OPTIONS=--experimental-vm-modules because PGlite loads itself with a dynamic import.
import { createRequire } from 'node:module';

// bpmnlint (CommonJS) requires min-dash 5, which is ESM only. Node >= 20.19 loads that (require(esm)); Jest's
// module registry cannot before Node 24.9. Tests get the hoisted min-dash 4 CommonJS build: same functions.
const minDash = createRequire(import.meta.url).resolve('min-dash');

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^min-dash$': minDash },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  cacheDirectory: '<rootDir>/../.jest-cache',
};
