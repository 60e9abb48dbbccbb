'use strict';
/**
 * Benchmark support (not part of Augur's public code): what the aliased-predicts operation costs without GraphQL. A
 * bare Node HTTP server that, per request, reads the JSON body, sends Dataiku the same predict-multi of 50 records the
 * gateway sends (through an undici Pool, as the gateway does), parses the answer and writes the same GraphQL-shaped
 * JSON. No parsing, validation or execution of the query, no checks, logs or metrics: the least a Node process in the
 * gateway's place must do. Usage: node bench/lib/bareProxy.cjs <port> <dataiku url> <authorization>
 */
const http = require('node:http');
const { Pool } = require('undici');

const [port, dataikuUrl, authorization] = process.argv.slice(2);
const pool = new Pool(dataikuUrl, { connections: 64 });
const PATH = '/public/api/v1/augur-demo/churn/predict-multi';
const EXPLANATIONS = { enabled: null, method: null, nExplanations: null, nMonteCarloSteps: null };

async function answer(raw) {
  JSON.parse(raw);
  // The records of bench/lib/scenarios.mjs's aliased-predicts query, built per request as the gateway builds them.
  const items = Array.from({ length: 50 }, (_, i) => ({
    features: { name: `Contact ${i}`, city: i % 2 ? 'Aarhus' : 'Odense', archived: i % 3 === 0 },
  }));
  const res = await pool.request({
    path: PATH,
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ items, explanations: EXPLANATIONS }),
  });
  const { results } = JSON.parse(await res.body.text());
  const data = {};
  for (let i = 0; i < results.length; i++) data[`p${i}`] = { raw: results[i] };
  return JSON.stringify({ data });
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      answer(Buffer.concat(chunks).toString('utf8')).then(
        (text) => {
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.setHeader('content-length', Buffer.byteLength(text));
          res.end(text);
        },
        (err) => {
          res.statusCode = 502;
          res.end(JSON.stringify({ errors: [{ message: String(err) }] }));
        },
      );
    });
  })
  .listen(Number(port), '127.0.0.1', () => console.log('listening'));
