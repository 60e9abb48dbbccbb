import { it } from 'vitest';
import { parse, Lexer, Source, TokenKind } from 'graphql';
import { buildSchema, loadTypeDefFiles } from '../src/server/schema.js';
import { createResolvers } from '../src/resolvers/index.js';
import { fieldCallsOf } from '../src/server/upstreamCalls.js';
import { measureDocument } from '../src/server/limits.js';
import { attackBody } from '../bench/lib/attacks.mjs';
it('g', () => {
  const schema = buildSchema(createResolvers());
  const calls = fieldCallsOf(loadTypeDefFiles(), schema);
  const settings = { maxDepth: 12, maxAliases: 200, maxDirectives: 50, maxCost: 5000, maxFieldComparisons: 50000, maxInputDepth: 64, defaultPageSize: 20, maxPageSize: 100, batchSize: 100, maxIds: 100, maxCalls: {}, maxTokens: 5000 };
  for (const name of ['duplicate-fields', 'conflicting-aliases', 'type-aliases']) {
    const b = attackBody(name) as any; const q = (typeof b === "string" ? JSON.parse(b).query : b.query) as string;
    for (let round = 0; round < 30; round++) {
      let t = performance.now(); const l = new Lexer(new Source(q)); let n = 0; while (l.advance().kind !== TokenKind.EOF) n++; const lex = performance.now() - t;
      t = performance.now(); const doc = parse(q, { maxTokens: 5000 }); const p = performance.now() - t;
      t = performance.now(); const r = measureDocument(doc, schema, settings, calls); const m = performance.now() - t;
      t = performance.now(); r.errors.map((e) => e.toJSON()); const j = performance.now() - t;
      console.log('T', name, n, 'lex', lex.toFixed(2), 'parse', p.toFixed(2), 'measure', m.toFixed(2), 'json', j.toFixed(2));
    }
  }
});
