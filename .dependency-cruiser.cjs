/**
 * The gateway's layers: imports point down only (core < upstreams < loaders, relay < resolvers < server), no circles
 * anywhere (the emulators included), and the gateway reaches the emulators only from the module that boots them.
 * `npm run lint` checks it; tests may import anything, so test/ is not cruised.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'core-imports-nothing', severity: 'error', from: { path: '^src/core/' }, to: { path: '^src/', pathNot: '^src/core/' } },
    { name: 'upstreams-import-core-only', severity: 'error', from: { path: '^src/upstreams/' }, to: { path: '^src/', pathNot: '^src/(core|upstreams)/' } },
    { name: 'loaders-import-upstreams-core', severity: 'error', from: { path: '^src/loaders/' }, to: { path: '^src/', pathNot: '^src/(core|upstreams|loaders)/' } },
    { name: 'relay-imports-core', severity: 'error', from: { path: '^src/relay/' }, to: { path: '^src/', pathNot: '^src/(core|relay)/' } },
    {
      name: 'resolvers-import-below',
      severity: 'error',
      from: { path: '^src/resolvers/' },
      to: { path: '^src/', pathNot: '^src/(core|upstreams|loaders|relay|generated|resolvers)/' },
    },
    // The generated resolver types map onto the resolvers' model and context types.
    { name: 'generated-imports-below-server', severity: 'error', from: { path: '^src/generated/' }, to: { path: '^src/', pathNot: '^src/(core|upstreams|resolvers|generated)/' } },
    {
      name: 'gateway-does-not-import-emulators',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(emulators/|server/bootstrap\\.ts$)' },
      to: { path: '^src/emulators/' },
    },
    { name: 'emulators-do-not-import-the-gateway', severity: 'error', from: { path: '^src/emulators/' }, to: { path: '^src/', pathNot: '^src/emulators/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a layer that needs a type from above is as tied to it as one calling it.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
  },
};
