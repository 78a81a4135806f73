/**
 * Module rules, checked in `pnpm test` (`pnpm deps`): no import cycles anywhere (type-only imports count),
 * the engine free of adapters, the testkit free of product code, no module importing its own package's index.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order fragile and modules impossible to read on their own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-without-adapters',
      severity: 'error',
      comment:
        'packages/core is the engine: no GitHub Actions toolkit, no commander, no adapter or terminal code.',
      from: { path: '^packages/core/src' },
      to: { path: ['^packages/(cli|action)/', 'node_modules/(@actions/|commander/|ora/|chalk/)'] },
    },
    {
      name: 'testkit-without-product',
      severity: 'error',
      comment: 'The testkit simulates the outside world; it must not depend on the code it tests.',
      from: { path: '^packages/testkit/src' },
      to: { path: '^packages/(core|cli|action)/' },
    },
    {
      name: 'adapters-apart',
      severity: 'error',
      comment: 'The CLI and the Action are independent adapters of the core.',
      from: { path: '^packages/(cli|action)/src' },
      to: { path: '^packages/(cli|action)/src', pathNot: '^packages/$1/src' },
    },
    {
      name: 'no-own-index',
      severity: 'error',
      comment: "A module inside a package imports its siblings directly, never its own package's entry.",
      from: { path: '^packages/([^/]+)/src/.+', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/$1/src/index\\.ts$' },
    },
    {
      name: 'product-not-on-tests',
      severity: 'error',
      comment: 'Shipped code never imports tests or the testkit.',
      from: { path: '^packages/(core|cli|action)/src', pathNot: ['\\.test\\.ts$', '/testing/'] },
      to: { path: ['\\.test\\.ts$', '^packages/testkit/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['/dist/', '/build/', '\\.d\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
