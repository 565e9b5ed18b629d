/**
 * The import boundaries of eslint.config.mjs (`tuneforge/boundaries`) fire on the imports they forbid
 * and leave the allowed ones alone: bad and good snippets linted at virtual paths of the tree.
 *
 * ESLint loads its flat config with a dynamic `import()`, which Jest's module system refuses without
 * --experimental-vm-modules, so the snippets are linted in one child Node process through ESLint's
 * Node API (`new ESLint({ cwd })`, `lintText(code, { filePath })`).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface LintCase {
  path: string;
  code: string;
}
interface LintMessage {
  ruleId: string | null;
  message: string;
}

const LINT_IN_CHILD = `
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
const cases = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const c of cases) {
  const [result] = await eslint.lintText(c.code, { filePath: resolve(c.path) });
  out.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(out));
`;

function lintAll(cases: readonly LintCase[]): LintMessage[][] {
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_IN_CHILD], {
    cwd: ROOT,
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as LintMessage[][];
}

const LIB = 'A library does not import the platform (src/)';
const role = (r: string) => `src/${r} does not import another role`;
const CLIENT_SRC = (folder: string) => `${folder}/ does not import the platform (src/)`;
const CLIENT_PATH = (folder: string) => `${folder}/ imports a library by its entry point`;

/** [name, virtual path, code, the message expected (a prefix), or null when the snippet must pass]. */
const CASES: Array<[string, string, string, string | null]> = [
  [
    'a lib importing src/api',
    'libs/core/src/x.ts',
    "import { StudiesService } from '../../../src/api/studies/studies.service';\nexport { StudiesService };\n",
    LIB,
  ],
  [
    'a lib importing src from one folder deeper',
    'libs/storage/src/migrations/x.ts',
    "export { platformConfig } from '../../../../src/config/platform-config';\n",
    LIB,
  ],
  [
    'a lib importing src through baseUrl',
    'libs/sandbox/src/x.ts',
    "import { platformConfig } from 'src/config/platform-config';\nexport { platformConfig };\n",
    LIB,
  ],
  [
    'the worker importing the api',
    'src/worker/x.ts',
    "import { StudiesService } from '../api/studies/studies.service';\nexport { StudiesService };\n",
    role('worker'),
  ],
  [
    'the api importing the scheduler',
    'src/api/studies/x.ts',
    "import { StudyScheduler } from '../../scheduler/study-scheduler.service';\nexport { StudyScheduler };\n",
    role('api'),
  ],
  [
    'the cli re-exporting the worker',
    'src/cli/x.ts',
    "export { TrialRunner } from '../worker/trial-runner';\n",
    role('cli'),
  ],
  [
    'the scheduler importing the cli dynamically',
    'src/scheduler/x.ts',
    "export const load = () => import('../cli/main');\n",
    role('scheduler'),
  ],
  [
    'the dashboard importing the api types from src',
    'dashboard/src/x.ts',
    "import type { StudyResponse } from '../../src/api/common/responses';\nexport type { StudyResponse };\n",
    CLIENT_SRC('dashboard'),
  ],
  [
    'the dashboard importing a library file by path',
    'dashboard/src/x.ts',
    "import type { StudyResponse } from '../../libs/platform/src/api-types';\nexport type { StudyResponse };\n",
    CLIENT_PATH('dashboard'),
  ],
  [
    'a benchmark importing a core file by path',
    'bench/x.ts',
    "import { Study } from '../libs/core/src/study/study';\nexport { Study };\n",
    CLIENT_PATH('bench'),
  ],
  [
    'a benchmark importing a file inside a library entry',
    'bench/x.ts',
    "import { Study } from '@tuneforge/core/src/study/study';\nexport { Study };\n",
    CLIENT_PATH('bench'),
  ],
  [
    'a benchmark importing the worker',
    'bench/lib/x.ts',
    "import { TrialRunner } from '../../src/worker/trial-runner';\nexport { TrialRunner };\n",
    CLIENT_SRC('bench'),
  ],
  [
    "a lib's tool importing its own src",
    'libs/storage/tools/x.ts',
    "import { freshSqliteFile } from '../src/testing/fresh-database';\nexport { freshSqliteFile };\n",
    null,
  ],
  [
    'a role importing shared folders, a library and itself',
    'src/worker/x.ts',
    [
      "import { RedisKeys } from '@tuneforge/platform';",
      "import { PlatformConfig } from '../config/platform-config';",
      "import { RefillQueue } from '../providers/refill-queue';",
      "import { PlatformTelemetry } from '../telemetry/platform-telemetry';",
      "import { LeaseKeeper } from './lease-keeper';",
      'export { LeaseKeeper, PlatformConfig, PlatformTelemetry, RedisKeys, RefillQueue };',
      '',
    ].join('\n'),
    null,
  ],
  [
    'the dashboard importing the api types from the platform library',
    'dashboard/src/x.ts',
    "import type { StudyResponse } from '@tuneforge/platform';\nexport type { StudyResponse };\n",
    null,
  ],
  [
    'a benchmark importing entry points, test support and itself',
    'bench/x.ts',
    [
      "import { Study } from '@tuneforge/core';",
      "import { freshSqliteFile } from '@tuneforge/storage/testing';",
      "import { startPlatform } from '../test/support/platform-harness';",
      "import { median } from './lib/stats';",
      'export { freshSqliteFile, median, startPlatform, Study };',
      '',
    ].join('\n'),
    null,
  ],
];

describe('import boundaries (eslint.config.mjs)', () => {
  let results: LintMessage[][];

  beforeAll(() => {
    results = lintAll(CASES.map(([, path, code]) => ({ path, code })));
  }, 60_000);

  it.each(CASES.map((c, i) => [c[0], i, c[3]] as const))('%s', (_name, i, expected) => {
    if (expected === null) {
      expect(results[i]).toEqual([]);
    } else {
      expect(results[i]).toEqual([
        { ruleId: 'tuneforge/boundaries', message: expect.stringContaining(expected) },
      ]);
    }
  });
});
