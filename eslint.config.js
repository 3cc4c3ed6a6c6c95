// @ts-check
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'generated/',
      '.data/',
      'dist/',
      'bench/results/',
      'scripts/*.mjs',
      'review/dist/',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': 'error',
      // Fastify handlers and interface implementations are async by contract.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
  {
    // Workflow code is replayed: no I/O, no Node built-ins, no heavy libraries, and activities
    // only as types (TEMPORAL.md, STYLE.md habit 1).
    files: ['workflows/**/*.ts', 'contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((m) => [
              { name: m, message: 'Node built-ins are not allowed in workflow code.' },
              { name: `node:${m}`, message: 'Node built-ins are not allowed in workflow code.' },
            ]),
            {
              name: '@temporalio/client',
              message: 'Workflow code imports only @temporalio/workflow.',
            },
            {
              name: '@temporalio/worker',
              message: 'Workflow code imports only @temporalio/workflow.',
            },
            {
              name: '@temporalio/activity',
              message: 'Workflow code imports only @temporalio/workflow.',
            },
            { name: 'pino', message: 'Use log from @temporalio/workflow.' },
            { name: 'gray-matter', message: 'Parsing happens in activities.' },
          ],
          patterns: [
            {
              group: ['**/platform/**', '**/generated/**', '@prisma/*'],
              message: 'No I/O from workflow code.',
            },
            {
              group: [
                '**/activities',
                '**/activities/**',
                '**/content',
                '**/content/**',
                '**/outlets/**',
                '**/publishing/**',
              ],
              allowTypeImports: true,
              message: 'Workflow code may import activities and domain modules as types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The review page runs in the browser (docs/review.md).
    files: ['review/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
