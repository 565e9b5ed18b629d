// ESLint flat config: typescript-eslint defaults plus the dependency rules of DESIGN.md.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const repoRoot = dirname(fileURLToPath(import.meta.url));

/**
 * `tuneforge/boundaries`: which folders a folder may not import. no-restricted-imports matches the
 * import text, and a relative path reaching `src/` reads differently at every depth (`../../../src`
 * from libs/core/src, `../../../../src` one folder down), so this rule resolves relative specifiers
 * against the importing file and matches the repository-relative target (`src/api/common/responses`).
 * Bare specifiers (`@tuneforge/core/src/x`, or `src/...` through tsconfig's baseUrl) are matched as
 * written. Options: `[{ target: <regex>, message }]`; the first match reports.
 */
const boundaries = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'array',
        items: {
          type: 'object',
          properties: { target: { type: 'string' }, message: { type: 'string' } },
          required: ['target', 'message'],
          additionalProperties: false,
        },
      },
    ],
    messages: { forbidden: '{{message}}' },
  },
  create(context) {
    const forbidden = (context.options[0] ?? []).map(({ target, message }) => ({
      target: new RegExp(target),
      message,
    }));
    const dir = dirname(context.filename);
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      const target = spec.startsWith('.')
        ? relative(repoRoot, resolve(dir, spec)).split(sep).join('/')
        : spec;
      const hit = forbidden.find((rule) => rule.target.test(target));
      if (hit) context.report({ node: source, messageId: 'forbidden', data: { message: hit.message } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

const ROLES = ['api', 'scheduler', 'worker', 'cli'];
const LIBS = '@tuneforge/core, @tuneforge/platform, @tuneforge/storage or @tuneforge/sandbox';

/** The platform (src/) is what the libraries serve: a library never reaches back into it. */
const libForbidden = [
  {
    target: '^clients(/|$)',
    message:
      'A library does not import the REST clients (clients/): they are built on the platform, not under it.',
  },
  {
    target: '^src(/|$)',
    message: 'A library does not import the platform (src/): move the shared code into a library.',
  },
];

/** The processes' roles share code through src/providers, src/config, src/telemetry, src/logging and the libraries. */
const roleForbidden = (role) => [
  {
    target: `^src/(${ROLES.filter((r) => r !== role).join('|')})(/|$)`,
    message: `src/${role} does not import another role (${ROLES.filter((r) => r !== role)
      .map((r) => `src/${r}`)
      .join(
        ', ',
      )}): move the shared code to src/providers, src/config, src/telemetry, src/logging or a library.`,
  },
];

/** The dashboard and the benchmarks use the platform as a client would: through the libraries' entry points. */
const clientForbidden = (folder) => [
  {
    target: '^src(/|$)',
    message: `${folder}/ does not import the platform (src/): use ${LIBS} (the API's types are in @tuneforge/platform).`,
  },
  {
    target: '^libs(/|$)',
    message: `${folder}/ imports a library by its entry point (${LIBS}), not by path.`,
  },
  {
    target: '^@tuneforge/[^/]+/(?!testing$)',
    message: `${folder}/ imports a library by its entry point (${LIBS}), not a file inside it.`,
  },
];

const coreForbidden = {
  paths: [
    { name: 'typeorm', message: 'libs/core is pure: no TypeORM.' },
    { name: 'ioredis', message: 'libs/core is pure: no Redis.' },
    { name: 'bullmq', message: 'libs/core is pure: no queues.' },
  ],
  patterns: [
    { group: ['@nestjs/*'], message: 'libs/core is pure: no Nest.' },
    {
      group: [
        'node:*',
        'fs',
        'fs/*',
        'child_process',
        'net',
        'http',
        'https',
        'os',
        'path',
        'worker_threads',
      ],
      message: 'libs/core is pure: no Node I/O.',
    },
    { group: ['@tuneforge/*'], message: 'libs/core imports nothing outside itself.' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'bench/results/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Tests read untyped JSON (HTTP bodies, CLI output) where `any` is the honest type.
  { files: ['test/**/*.ts', '**/*.spec.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['libs/core/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', coreForbidden] },
  },
  { plugins: { tuneforge: { rules: { boundaries } } } },
  { files: ['libs/**/*.ts'], rules: { 'tuneforge/boundaries': ['error', libForbidden] } },
  ...ROLES.map((role) => ({
    files: [`src/${role}/**/*.ts`],
    rules: { 'tuneforge/boundaries': ['error', roleForbidden(role)] },
  })),
  ...['dashboard', 'bench'].map((folder) => ({
    files: [`${folder}/**/*.ts`],
    rules: { 'tuneforge/boundaries': ['error', clientForbidden(folder)] },
  })),
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../../*/src/*', '**/libs/*'], message: 'Reach other libs through @tuneforge/<lib>.' },
          ],
        },
      ],
    },
  },
);
