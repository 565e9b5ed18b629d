// ESLint flat config: typescript-eslint defaults plus the dependency rules of DESIGN.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
