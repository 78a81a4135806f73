/**
 * Module rules, checked in `pnpm test` (`pnpm rules`): no import cycles anywhere (type-only imports count),
 * the engine free of adapters, the testkit free of product code, no module importing its own package's index,
 * and the layers of packages/core (see LAYERS) importing only downwards.
 * @type {import('dependency-cruiser').IConfiguration}
 */

/**
 * The layers of packages/core/src, lowest first. A module may import from its own layer and the ones
 * below it, never from a layer above (tests excepted: they may use the fakes). Files directly in src/
 * (the public index, the real ports, the results' JSON) are the composition: the top.
 */
const LAYERS = [
  ['errors', 'ports', 'domain'], // typed errors and their catalog; the ports; shared facts (lock, names, provenance)
  ['inputs'], // raw inputs -> typed options
  ['spec'], // the App spec: schema and parser
  ['plan'], // pure planners: inputs -> plan (no file system, git or process.cwd())
  ['steps'], // one module per step, and the step contract (steps/step.ts)
  ['run'], // operations: steps in order, the runner, results
  ['prepare'], // the I/O planners need: files, git, the App spec
  ['aws', 'github', 'builders', 'testing'], // port implementations (and the in-memory fakes)
];
const CORE = '^packages/core/src/';
const folderPattern = (folders) => `${CORE}(${folders.join('|')})/`;
/**
 * The builders' registry (names, auto order, choices): a leaf of facts every layer may read (the ports name a
 * builder, the inputs check one), kept beside the builders it lists. The rule below holds it to no imports.
 */
const BUILDER_REGISTRY = `${CORE}builders/registry\\.ts$`;
const layerRules = LAYERS.map((folders, rank) => {
  const above = LAYERS.slice(rank + 1).flat();
  return {
    name: `layer-${folders.join('-')}`,
    severity: 'error',
    comment: `A lower layer (${folders.join(', ')}) must not import a higher one: ${above.join(', ')} or the composition in src/.`,
    from: { path: folderPattern(folders), pathNot: '\\.test\\.ts$' },
    to: {
      path: [...(above.length > 0 ? [folderPattern(above)] : []), `${CORE}[^/]+\\.ts$`],
      pathNot: BUILDER_REGISTRY,
    },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'builder-registry-is-a-leaf',
      severity: 'error',
      comment: "Every layer may import the builders' registry, so it imports nothing.",
      from: { path: BUILDER_REGISTRY },
      to: {},
    },
    {
      name: 'pure-below-prepare',
      severity: 'error',
      comment:
        'Below the preparing layer, core does no file system or process I/O itself: only through ports (prepare/ reads files and runs git).',
      from: {
        path: folderPattern(['errors', 'ports', 'domain', 'inputs', 'spec', 'plan', 'steps', 'run']),
        pathNot: '\\.test\\.ts$',
      },
      to: { path: '^(node:)?(fs|fs/promises|child_process)$' },
    },
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
