/**
 * Benchmark support (not part of Augur's public code): cold start, the time from spawning the gateway to its first
 * successful GraphQL answer, beside the same time for a bare Node HTTP server.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { QUERIES } from './scenarios.mjs';
import { COLD_RUNS, PREVISTO_LIMIT } from './settings.mjs';
import { childError, closed, freePort, median, round, sleep, spawnGateway, stopChild } from './stack.mjs';

const log = (...args) => console.error(...args);

/** Minimal POST over a fresh connection (no pooling), for polling a starting process. */
function postOnce(port, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/**
 * Spawns a process and polls until `ok(answer)`; answers the ms from spawn to that answer, and the `startupMs` the
 * gateway logged with its `listening` line (its own time from main() to listening), when there is one.
 */
export async function timeToFirstAnswer(spawnIt, port, body, ok) {
  const t0 = performance.now();
  const { child, lines } = spawnIt(port);
  try {
    for (;;) {
      if (child.exitCode !== null) {
        await closed(child);
        const error = childError(`The process exited (code ${child.exitCode}) before answering.`, lines);
        // The port was free when picked, but another process on the machine may have taken it since.
        error.portTaken = lines.some((l) => l.includes('EADDRINUSE'));
        throw error;
      }
      const answer = await postOnce(port, body);
      if (answer && ok(answer)) {
        const ms = performance.now() - t0;
        const listening = lines.map((l) => /"event":"listening".*"startupMs":(\d+)/.exec(l)).find(Boolean);
        return { ms, startupMs: listening ? Number(listening[1]) : undefined };
      }
      if (performance.now() - t0 > 20_000)
        throw childError(`No successful answer within 20 s. Last answer: ${JSON.stringify(answer)}.`, lines);
      await sleep(2);
    }
  } finally {
    await stopChild(child);
  }
}

/** A Node HTTP server that answers `{}` to everything: what Node itself costs before any server code runs. */
const BARE_NODE_SERVER = `require('http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); }).listen(Number(process.argv[1]), '127.0.0.1')`;

/** Spawn to first answer of a bare Node HTTP server, in ms. */
export async function bareNodeColdStart(body) {
  const port = await freePort();
  const spawnIt = (p) => ({
    child: spawn(process.execPath, ['-e', BARE_NODE_SERVER, String(p)], { stdio: ['ignore', 'pipe', 'pipe'] }),
    lines: [],
  });
  return (await timeToFirstAnswer(spawnIt, port, body, (a) => a.status === 200)).ms;
}

/** Cold starts of the gateway (COLD_RUNS of them, retried on a port taken meanwhile) and of a bare Node server. */
export async function coldStart(urls) {
  const body = JSON.stringify({ query: QUERIES.single });
  const okGraphql = (a) => a.status === 200 && a.text.includes('"prediction"') && !a.text.includes('"errors"');
  const gatewayRuns = [];
  const mainMs = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    let r;
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        r = await timeToFirstAnswer((p) => spawnGateway(urls, { port: p, previstoLimit: PREVISTO_LIMIT }), port, body, okGraphql);
        break;
      } catch (err) {
        if (!err.portTaken || attempt === 3) throw err;
        log(`cold start: port ${port} was taken by another process before the gateway bound it; retrying on another port`);
      }
    }
    gatewayRuns.push(r.ms);
    if (r.startupMs !== undefined) mainMs.push(r.startupMs);
  }
  // Context: the same measure for a bare Node HTTP server, i.e. what Node itself costs before any Augur code runs.
  const nodeRuns = [];
  for (let i = 0; i < COLD_RUNS; i++) nodeRuns.push(await bareNodeColdStart(body));
  return {
    medianMs: median(gatewayRuns),
    runsMs: gatewayRuns.map((v) => round(v, 1)),
    mainToListeningMedianMs: mainMs.length ? median(mainMs) : null,
    bareNodeMedianMs: median(nodeRuns),
    bareNodeRunsMs: nodeRuns.map((v) => round(v, 1)),
  };
}
