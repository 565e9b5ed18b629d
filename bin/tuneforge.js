#!/usr/bin/env node
'use strict';
// The CLI runs from its TypeScript sources through ./swc-register.js, as the platform does (why swc and
// not tsx: see there), so a fresh clone needs no build step. Objective modules written in TypeScript load
// through tsx (src/cli/load-objective.ts), which reads our tsconfig for the @tuneforge/* path aliases
// wherever the command is started from.
const path = require('node:path');
process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', 'tsconfig.json');
require('./swc-register.js');
const { run } = require('../src/cli/main.ts');
run(process.argv).then((code) => {
  process.exitCode = code;
});
