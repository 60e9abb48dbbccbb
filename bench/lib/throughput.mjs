/**
 * Benchmark support (not part of Augur's public code): the throughput runs: direct against single through the gateway
 * (batched and not), and each list scenario in a gateway process of its own.
 */
import { load, mergeRuns } from './load.mjs';
import { CHECKS, DIRECT, GRAPHQL, LABEL, QUERIES } from './scenarios.mjs';
import { CONNECTIONS, DURATION, PREVISTO_LIMIT, ROUNDS, WARMUP } from './settings.mjs';
import { gqlOk, memory, round, sampleProcesses, startGateway } from './stack.mjs';

/** One throughput run after WARMUP s of unmeasured load, sampling the processes' CPU and RSS. */
async function throughput(origin, request, pids) {
  await load({ url: origin, requests: [request], connections: CONNECTIONS, duration: WARMUP });
  const sampler = sampleProcesses(pids);
  const run = await load({ url: origin, requests: [request], connections: CONNECTIONS, duration: DURATION });
  return { ...run, processes: sampler.stop() };
}

/**
 * Direct and single at CONNECTIONS connections, alternating in ROUNDS rounds (DURATION s in all per side), so that
 * both see the same machine when other work shares its cores; the gateway is a process of its own.
 */
export async function directVsSingle(urls, emulatorsPid, control) {
  const gateway = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT });
  // The same gateway with cross-operation batching off: what single predictions cost without it, in the same rounds.
  const unbatched = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT, env: { AUGUR_CROSS_BATCH: 'false' } });
  try {
    CHECKS.single(await gqlOk(gateway.graphqlUrl, QUERIES.single, LABEL.single));
    CHECKS.single(await gqlOk(unbatched.graphqlUrl, QUERIES.single, LABEL.single));
    const pids = { gateway: gateway.pid, emulators: emulatorsPid };
    const targets = {
      direct: [urls.dataiku, DIRECT, pids],
      single: [gateway.url, GRAPHQL.single, pids],
      singleUnbatched: [unbatched.url, GRAPHQL.single, { gateway: unbatched.pid, emulators: emulatorsPid }],
    };
    for (const [origin, request] of Object.values(targets))
      await load({ url: origin, requests: [request], connections: CONNECTIONS, duration: WARMUP });
    const slice = Math.max(1, Math.round(DURATION / ROUNDS));
    const parts = { direct: [], single: [], singleUnbatched: [] };
    // Dataiku calls made during each side's slices, read from the emulator's counter around them.
    const dataikuCalls = { single: 0, singleUnbatched: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, [origin, request, who]] of Object.entries(targets)) {
        const before = (await control.counts()).dataiku.total;
        const sampler = sampleProcesses(who);
        const run = await load({ url: origin, requests: [request], connections: CONNECTIONS, duration: slice });
        parts[name].push({ ...run, processes: sampler.stop() });
        if (name in dataikuCalls) dataikuCalls[name] += (await control.counts()).dataiku.total - before;
      }
    }
    const mem = memory(gateway.pid);
    const merged = Object.fromEntries(Object.entries(parts).map(([n, p]) => [n, mergeRuns(p)]));
    for (const name of Object.keys(dataikuCalls)) merged[name].upstreamCallsPerOp = round(dataikuCalls[name] / merged[name].completed, 3);
    return {
      direct: merged.direct,
      single: { ...merged.single, gatewayHwmMb: round(mem.hwmKb / 1024, 1), gatewayRssAfterMb: round(mem.rssKb / 1024, 1) },
      singleUnbatched: {
        ...merged.singleUnbatched,
        gatewayHwmMb: round(memory(unbatched.pid).hwmKb / 1024, 1),
        gatewayRssAfterMb: round(memory(unbatched.pid).rssKb / 1024, 1),
      },
    };
  } finally {
    await Promise.all([gateway.stop(), unbatched.stop()]);
  }
}

/**
 * A GraphQL throughput run against a gateway process of its own, so each scenario's memory peak (VmHWM) and heap
 * are its own and not inherited from the scenario before.
 */
export async function gatewayThroughput(urls, emulatorsPid, name) {
  const gateway = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT });
  try {
    CHECKS[name](await gqlOk(gateway.graphqlUrl, QUERIES[name], LABEL[name]));
    const run = await throughput(gateway.url, GRAPHQL[name], { gateway: gateway.pid, emulators: emulatorsPid });
    const mem = memory(gateway.pid);
    return { ...run, gatewayHwmMb: round(mem.hwmKb / 1024, 1), gatewayRssAfterMb: round(mem.rssKb / 1024, 1) };
  } finally {
    await gateway.stop();
  }
}
