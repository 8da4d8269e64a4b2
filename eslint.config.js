import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-*/**',
      '**/data/**',
      '.jest-cache/**',
      'server/drizzle/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // process.env is read only in each package's env.ts (see docs/ARCHITECTURE.md)
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through the package env.ts' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@linli/*/src/*'], message: "Import a package's entry point, not its internals" },
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/env.ts',
      '**/*.test.ts',
      'test/**',
      '**/jest.config.js',
      'jest.preset.js',
      '**/drizzle.config.ts',
      '**/testing/**',
      // benchmark scripts and CI helpers are tools with their own knobs, not product code
      'bench/**',
      '.ci/**',
      // the launcher passes the environment on to the server and the bridge, which validate it in their env.ts
      'scripts/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // test clients read JSON bodies loosely; product code stays free of `any`
    files: ['**/*.test.ts', '**/testing/**', 'test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
