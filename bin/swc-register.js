'use strict';
// The one way to run Tuneforge from its TypeScript sources (the CLI through bin/tuneforge.js, the
// platform as `node -r ./bin/swc-register.js src/main.ts`); production images run the tsc build.
//
// swc and not tsx: NestJS's dependency injection and the ValidationPipe read decorator metadata, which
// esbuild (tsx) does not emit, so the platform cannot run on tsx. The @tuneforge/* aliases are resolved
// here, from tsconfig.json's `paths`, rather than by tsx's resolver under swc's compiler: measured by
// hand (Node 20, this repository, 5 runs each, the platform loading every module and stopping at its
// config check), tsx's resolver with swc compiling took 2.6–4.1 s per start against 1.5–2.4 s here, and
// the CLI's `--help` 1.1–1.6 s on tsx against 0.8–1.2 s here. Objective modules a user hands to the CLI
// still load through tsx (src/cli/load-objective.ts), which also reads ES modules and .mts.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.join(__dirname, '..');
/** '@tuneforge/core' → '<root>/libs/core/src', for every exact alias of tsconfig.json. */
const aliases = new Map(
  Object.entries(
    JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).compilerOptions.paths,
  ).map(([name, [target]]) => [name, path.join(root, target)]),
);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  return resolveFilename.call(this, aliases.get(request) ?? request, parent, ...rest);
};

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
