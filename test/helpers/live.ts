/**
 * Subscription clients for tests: GraphQL over SSE read by hand from `POST /graphql/stream` (so the protocol itself is
 * checked), and graphql-ws's own client over `ws`.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription {
  /** The `next` payloads received so far. */
  events: Array<{ data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Resolves when the server completes the subscription (or the connection ends); rejects on a protocol `error`. */
  done: Promise<void>;
  /** Unsubscribes (closes the stream). */
  close(): void;
}

/** Subscribes over SSE (distinct connections mode); `status` is the HTTP status of the answer. */
export async function sseSubscribe(
  graphqlUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Subscription & { status: number }> {
  const controller = new AbortController();
  const res = await fetch(`${graphqlUrl}/stream`, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const events: Subscription['events'] = [];
  const done = (async () => {
    if (!res.body) return;
    if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      events.push((await res.json()) as never);
      return;
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(message)?.[1];
          const data = message
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (event === 'next') events.push(JSON.parse(data) as never);
          if (event === 'complete') {
            controller.abort();
            return;
          }
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    }
  })();
  // A stream cut by the server (a test stack closing) is not a failure of the test that left it open.
  const settled = done.catch((err: unknown) => {
    if (!controller.signal.aborted) events.push({ errors: [{ message: `stream failed: ${String(err)}` }] });
  });
  return { status: res.status, events, done: settled, close: () => controller.abort() };
}

/** A graphql-ws client on Augur's `/graphql`; `headers` are sent with the upgrade request (as a server-side client can). */
export function wsClient(graphqlUrl: string, connectionParams: Record<string, string> = {}, headers: Record<string, string> = {}): Client {
  class WithHeaders extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WithHeaders,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

/** Subscribes over WebSocket through `client`. */
export function wsSubscribe(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription {
  const events: Subscription['events'] = [];
  let dispose = (): void => undefined;
  const done = new Promise<void>((resolve, reject) => {
    dispose = client.subscribe(
      { query, variables },
      {
        next: (value) => events.push(value as never),
        error: (error) =>
          reject(
            error instanceof Error ? error : Object.assign(new Error(`subscription error: ${JSON.stringify(error)}`), { errors: error }),
          ),
        complete: () => resolve(),
      },
    );
  });
  done.catch(() => undefined);
  return { events, done, close: () => dispose() };
}

/** Waits until `check` holds, polling every 10 ms, for at most `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
