'use strict';
// Runs the platform (NestJS) from its TypeScript sources: NestJS's dependency injection and the
// ValidationPipe read decorator metadata, which esbuild (tsx) does not emit, so the platform compiles
// each file with swc instead. Also resolves the @tuneforge/* aliases. Production images run the tsc build.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.join(__dirname, '..');
const alias = /^@tuneforge\/(core|storage|queue|sandbox)$/;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const m = alias.exec(request);
  return resolveFilename.call(this, m ? path.join(root, 'libs', m[1], 'src') : request, parent, ...rest);
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
