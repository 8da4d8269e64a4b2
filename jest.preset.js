// Shared Jest settings: ESM TypeScript through ts-jest (transpile only; `npm run typecheck` checks types).
// Jest must run with NODE_OPTIONS=--experimental-vm-modules because PGlite loads itself with a dynamic import.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  cacheDirectory: '<rootDir>/../.jest-cache',
};
