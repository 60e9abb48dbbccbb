/**
 * The gateway's layers: imports point down only (core < upstreams < loaders, relay < resolvers < server), no circles
 * anywhere (the emulators included); the gateway reaches its emulators package (`emulators/`, `@augur/emulators`)
 * only from the module that boots them, and the emulators never reach the gateway. `npm run lint` cruises `src` and
 * `emulators/src`; tests may import anything, so neither test/ is cruised.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'core-imports-nothing', severity: 'error', from: { path: '^src/core/' }, to: { path: '^src/', pathNot: '^src/core/' } },
    {
      name: 'upstreams-import-core-only',
      severity: 'error',
      from: { path: '^src/upstreams/' },
      to: { path: '^src/', pathNot: '^src/(core|upstreams)/' },
    },
    {
      name: 'loaders-import-upstreams-core',
      severity: 'error',
      from: { path: '^src/loaders/' },
      to: { path: '^src/', pathNot: '^src/(core|upstreams|loaders)/' },
    },
    { name: 'relay-imports-core', severity: 'error', from: { path: '^src/relay/' }, to: { path: '^src/', pathNot: '^src/(core|relay)/' } },
    {
      name: 'resolvers-import-below',
      severity: 'error',
      from: { path: '^src/resolvers/' },
      to: { path: '^src/', pathNot: '^src/(core|upstreams|loaders|relay|generated|resolvers)/' },
    },
    // The generated resolver types map onto the resolvers' model and context types.
    {
      name: 'generated-imports-below-server',
      severity: 'error',
      from: { path: '^src/generated/' },
      to: { path: '^src/', pathNot: '^src/(core|upstreams|resolvers|generated)/' },
    },
    {
      name: 'gateway-does-not-import-emulators',
      severity: 'error',
      comment: 'Only src/server/bootstrap.ts boots the emulators; the rest of the gateway knows them over HTTP only.',
      from: { path: '^src/', pathNot: '^src/server/bootstrap\\.ts$' },
      to: { path: '^(emulators/|node_modules/@augur/emulators/)' },
    },
    {
      name: 'emulators-import-only-themselves',
      severity: 'error',
      comment: "The emulators package stands alone: its own files and Node's modules, never the gateway.",
      from: { path: '^emulators/' },
      to: { pathNot: '^emulators/', dependencyTypesNot: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a layer that needs a type from above is as tied to it as one calling it.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['augur-source', 'import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js'],
    },
  },
};
