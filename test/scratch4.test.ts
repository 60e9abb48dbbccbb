import { it } from 'vitest';
import { buildSchema, loadTypeDefFiles } from '../src/server/schema.js';
import { createResolvers } from '../src/resolvers/index.js';
import { fieldCallsOf } from '../src/server/upstreamCalls.js';
import { DocumentGuard } from '../src/server/guard.js';
import { ATTACKS, attackBody } from '../bench/lib/attacks.mjs';
it('g', () => {
  const schema = buildSchema(createResolvers());
  const g = new DocumentGuard(schema, { maxDepth: 12, maxAliases: 200, maxDirectives: 50, maxCost: 5000, maxFieldComparisons: 50000, maxInputDepth: 64, defaultPageSize: 20, maxPageSize: 100, batchSize: 100, maxIds: 100, maxCalls: {}, maxTokens: 5000 }, fieldCallsOf(loadTypeDefFiles(), schema));
  for (const a of ATTACKS as any[]) {
    const body = attackBody(a.name); const q = typeof body === 'string' ? JSON.parse(body).query : (body as any).query;
    if (typeof q !== 'string') continue;
    for (let i = 0; i < 3; i++) g.check(q + ' '.repeat(i));
    const t = performance.now(); const r = g.check(q + '  ');
    console.log('G', a.name, (performance.now() - t).toFixed(2), 'ms', r?.[0]?.extensions?.limit ?? 'accepted');
  }
});
