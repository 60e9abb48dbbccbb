/** Not public: the subscriptions' Prometheus metrics, registered in the server's registry when metrics are on. */
import { Counter, Gauge, type Registry } from 'prom-client';

/** How a subscription reached Augur. */
export type LiveTransport = 'sse' | 'ws';

export interface LiveMetrics {
  /** `augur_subscriptions_active{transport}`. */
  subscriptions: Gauge<'transport'>;
  /** `augur_live_pollers_active`: watched objects with subscribers in this replica. */
  pollers: Gauge;
  /** `augur_live_polls_total{platform,outcome}`: upstream reads of watched objects. */
  polls: Counter<'platform' | 'outcome'>;
  /** `augur_subscription_events_total{transport}`: events sent to subscribers. */
  events: Counter<'transport'>;
  /** `augur_subscriptions_refused_total{reason}`: subscriptions refused by a cap or disconnected as slow readers. */
  refused: Counter<'reason'>;
}

export function createLiveMetrics(registry: Registry): LiveMetrics {
  const subscriptions = new Gauge({
    name: 'augur_subscriptions_active',
    help: 'Open subscriptions, by transport (sse, ws).',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  for (const transport of ['sse', 'ws'] as const) subscriptions.set({ transport }, 0);
  const polls = new Counter({
    name: 'augur_live_polls_total',
    help: 'Upstream reads of watched objects by the subscriptions’ pollers, by platform and outcome (ok, error).',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  return {
    subscriptions,
    pollers: new Gauge({
      name: 'augur_live_pollers_active',
      help: 'Watched objects (per credential) with subscribers in this replica: each is polled once, here or by another replica.',
      registers: [registry],
    }),
    polls,
    events: new Counter({
      name: 'augur_subscription_events_total',
      help: 'Events sent to subscribers, by transport.',
      labelNames: ['transport'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'augur_subscriptions_refused_total',
      help: 'Subscriptions refused past a cap (max_total, max_per_connection) or ended because the client stopped reading (slow_client).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
