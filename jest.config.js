/** Jest: one project per test level, all through @swc/jest (TypeScript with decorator metadata). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
// NestJS 12 ships ES modules only; Jest on Node 20 cannot require them, so they go through swc too.
const esmPackages = ['@nestjs'];
const shared = {
  transform: { '^.+\\.(ts|m?js)$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: {
    '^@tuneforge/(core|storage|platform|sandbox)$': '<rootDir>/libs/$1/src',
    '^@tuneforge/storage/testing$': '<rootDir>/libs/storage/src/testing',
    '^@tuneforge/platform/testing$': '<rootDir>/libs/platform/src/testing',
  },
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,src,bench,examples,scripts}/**/*.spec.ts'],
    },
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{libs,src}/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
