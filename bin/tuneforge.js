#!/usr/bin/env node
'use strict';
// The CLI runs from its TypeScript sources through tsx (esbuild), so a fresh clone needs no build step,
// and objective modules written in TypeScript load the same way. Our tsconfig supplies the
// @tuneforge/* path aliases wherever the command is started from.
const path = require('node:path');
process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', 'tsconfig.json');
require('tsx/cjs/api').register();
const { run } = require('../src/cli/main.ts');
run(process.argv).then((code) => {
  process.exitCode = code;
});
