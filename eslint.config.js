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

/** Contracts the workflow bundle imports: plain types and constants, no zod. */
const WORKFLOW_CONTRACTS = [
  'contracts/workflow.ts',
  'contracts/decisions.ts',
  'contracts/phases.ts',
  'contracts/canonical-json.ts',
  'contracts/ids.ts',
  'contracts/search-attributes.ts',
];

const MODULE_STATE = 'no module-level state in workflow code: the worker shares these modules';
const MODULE_STATE_RULES = ['Program', 'Program > ExportNamedDeclaration'].flatMap((at) => [
  { selector: `${at} > VariableDeclaration[kind!='const']`, message: MODULE_STATE },
  {
    selector: `${at} > VariableDeclaration > VariableDeclarator > NewExpression`,
    message: MODULE_STATE,
  },
]);

/** Domain folders at the top of the tree, as workflow files (one or two levels down) name them. */
const domain = (folder) => [
  `../${folder}`,
  `../${folder}/*`,
  `../../${folder}`,
  `../../${folder}/*`,
];

function workflowImportRules({ zod }) {
  return {
    paths: [
      ...nodeBuiltins.flatMap((m) => [
        { name: m, message: 'Node built-ins are not allowed in workflow code.' },
        { name: `node:${m}`, message: 'Node built-ins are not allowed in workflow code.' },
      ]),
      { name: '@temporalio/client', message: 'Workflow code imports only @temporalio/workflow.' },
      { name: '@temporalio/worker', message: 'Workflow code imports only @temporalio/workflow.' },
      { name: '@temporalio/activity', message: 'Workflow code imports only @temporalio/workflow.' },
      { name: 'pino', message: 'Use log from @temporalio/workflow.' },
      { name: 'gray-matter', message: 'Parsing happens in activities.' },
      ...(zod
        ? []
        : [
            {
              name: 'zod',
              allowTypeImports: true,
              message: 'No zod in the workflow bundle: check inputs with plain functions.',
            },
          ]),
    ],
    patterns: [
      {
        group: ['**/platform/**', '**/generated/**', '@prisma/*'],
        message: 'No I/O from workflow code.',
      },
      {
        group: [
          ...domain('activities'),
          ...domain('content'),
          ...domain('outlets'),
          ...domain('publishing'),
          ...(zod ? [] : ['**/contracts/api', '**/contracts/issues', '**/contracts/content']),
        ],
        allowTypeImports: true,
        message:
          'Workflow code may import activities, domain modules and zod schemas as types only.',
      },
    ],
  };
}

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
    // Workflow code is replayed: no I/O, no Node built-ins, no heavy libraries (zod included: it
    // would be evaluated in every cached workflow), and activities only as types (TEMPORAL.md,
    // STYLE.md habit 1). The contracts the workflow bundle imports obey the same rules.
    files: ['workflows/**/*.ts', ...WORKFLOW_CONTRACTS],
    rules: {
      'no-restricted-imports': ['error', workflowImportRules({ zod: false })],
      // The worker preloads these modules once and shares them with every cached workflow
      // (worker/create-worker.ts): state kept at module level would leak between workflows.
      'no-restricted-syntax': ['error', ...MODULE_STATE_RULES],
    },
  },
  {
    // The other contracts hold the API's zod schemas: no I/O, but zod is their point.
    files: ['contracts/**/*.ts'],
    ignores: WORKFLOW_CONTRACTS,
    rules: { 'no-restricted-imports': ['error', workflowImportRules({ zod: true })] },
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
