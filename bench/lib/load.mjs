/**
 * Benchmark support (not part of Augur's public code): autocannon runs that check every response and keep every
 * response time at autocannon's own high resolution (its histograms only resolve whole milliseconds).
 */
import autocannon from 'autocannon';
import { percentile, round } from './stack.mjs';

/**
 * Classifies one response body: `'ok'`, or the reason it is not (an HTTP status, GraphQL error codes, or an
 * unexpected body). `marker` is a string every good body contains.
 */
export function classify(status, body, marker) {
  if (status !== 200) {
    const codes = graphqlCodes(body);
    return codes ? `HTTP_${status}:${codes}` : `HTTP_${status}`;
  }
  const codes = graphqlCodes(body);
  if (codes) return codes;
  if (marker && !body.includes(marker)) return 'UNEXPECTED_BODY';
  return 'ok';
}

/** The sorted, de-duplicated `errors[].extensions.code` of a GraphQL body, or undefined when it has no errors. */
export function graphqlCodes(body) {
  if (!body.includes('"errors"')) return undefined;
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    return 'UNPARSABLE_BODY';
  }
  if (!Array.isArray(json?.errors) || json.errors.length === 0) return undefined;
  return [...new Set(json.errors.map((e) => e?.extensions?.code ?? 'NO_CODE'))].sort().join('+');
}

/**
 * One autocannon run.
 * @param {object} o
 * @param {string} o.url            origin, e.g. http://127.0.0.1:4000
 * @param {Array<{path: string, body: string, headers?: object, marker?: string, kind?: string}>} o.requests
 *        cycled through by every connection
 * @param {number} o.connections
 * @param {number} [o.duration]     seconds (or use amount)
 * @param {number} [o.amount]       total requests
 * @param {number} [o.timeout]      seconds per request
 * @param {(done: number) => void} [o.onProgress]
 * @returns {Promise<object>} rps, latency percentiles (ms, exact over every response), outcome counts
 */
export function load(o) {
  const outcomes = {};
  const byKind = {};
  const times = [];
  let done = 0;
  const requests = o.requests.map((r) => ({
    method: 'POST',
    path: r.path,
    headers: { 'content-type': 'application/json', ...(r.headers ?? {}) },
    body: r.body,
    onResponse(status, body) {
      const outcome = classify(status, body, r.marker);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (r.kind) {
        const k = (byKind[r.kind] ??= {});
        k[outcome] = (k[outcome] ?? 0) + 1;
      }
      done++;
      o.onProgress?.(done);
    },
  }));
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        pipelining: 1,
        ...(o.amount ? { amount: o.amount } : { duration: o.duration }),
        timeout: o.timeout ?? 10,
        requests,
      },
      (err, result) => {
        if (err) return reject(err);
        const sorted = Float64Array.from(times).sort();
        const okCount = outcomes.ok ?? 0;
        const transport = { errors: result.errors, timeouts: result.timeouts, resets: result.resets };
        const failed = Object.entries(outcomes).reduce((n, [k, v]) => (k === 'ok' ? n : n + v), 0) + result.errors + result.timeouts;
        resolve({
          connections: o.connections,
          durationS: result.duration,
          completed: result.requests.total,
          ok: okCount,
          errors: failed,
          outcomes,
          byKind,
          transport,
          rps: result.requests.total / result.duration,
          latencyMs: {
            p50: round(percentile(sorted, 50), 3),
            p90: round(percentile(sorted, 90), 3),
            p99: round(percentile(sorted, 99), 3),
            max: round(sorted[sorted.length - 1], 3),
            mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1), 3),
            samples: sorted.length,
          },
          times: sorted,
        });
      },
    );
    // (client, statusCode, bytes, responseTime): responseTime is a float from process.hrtime.
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
    o.onStart?.(instance);
  });
}

/** Merges the raw response times of several runs into latency percentiles. */
export function latencyOf(runs) {
  const all = [];
  for (const r of runs) for (const t of r.times) all.push(t);
  const sorted = Float64Array.from(all).sort();
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
    samples: sorted.length,
  };
}

/**
 * Merges runs of one scenario taken in several rounds: counts add up, rps is completed / total duration, latency
 * percentiles come from every response time, CPU % is weighted by each round's wall time.
 */
export function mergeRuns(parts) {
  const outcomes = {};
  const transport = { errors: 0, timeouts: 0, resets: 0 };
  let completed = 0;
  let ok = 0;
  let errors = 0;
  let durationS = 0;
  for (const p of parts) {
    completed += p.completed;
    ok += p.ok;
    errors += p.errors;
    durationS += p.durationS;
    for (const [k, v] of Object.entries(p.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
    for (const k of Object.keys(transport)) transport[k] += p.transport[k] ?? 0;
  }
  const l = latencyOf(parts);
  const all = [];
  for (const p of parts) for (const t of p.times) all.push(t);
  const times = Float64Array.from(all).sort();
  const merged = {
    connections: parts[0].connections,
    rounds: parts.length,
    durationS: round(durationS, 3),
    completed,
    ok,
    errors,
    outcomes,
    byKind: {},
    transport,
    rps: completed / durationS,
    latencyMs: {
      p50: round(l.p50, 3),
      p90: round(l.p90, 3),
      p99: round(l.p99, 3),
      max: round(times[times.length - 1], 3),
      mean: round(l.mean, 3),
      samples: l.samples,
    },
    times,
  };
  if (parts.every((p) => p.processes)) {
    const wall = parts.reduce((a, p) => a + p.processes.wallS, 0);
    const cpuPct = {};
    const rssPeakMb = {};
    for (const p of parts) {
      for (const [k, v] of Object.entries(p.processes.cpuPct)) cpuPct[k] = (cpuPct[k] ?? 0) + (v * p.processes.wallS) / wall;
      for (const [k, v] of Object.entries(p.processes.rssPeakMb)) rssPeakMb[k] = Math.max(rssPeakMb[k] ?? 0, v);
    }
    for (const k of Object.keys(cpuPct)) cpuPct[k] = round(cpuPct[k], 1);
    merged.processes = { wallS: round(wall, 2), cpuPct, rssPeakMb };
  }
  return merged;
}
