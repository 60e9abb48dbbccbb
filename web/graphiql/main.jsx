// Browser entry of the GraphiQL page that Augur serves at GET /graphql; bundled by scripts/build-graphiql.mjs.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { getOperationAST, parse } from 'graphql';
import { createClient } from 'graphql-sse';
import 'graphiql/style.css';

/** Page settings written by the server into a JSON script tag (never executed, so the CSP needs no inline script). */
const settings = JSON.parse(document.getElementById('augur-graphiql-settings')?.textContent || '{}');
const endpoint = settings.endpoint || '/graphql';
/** Where subscriptions go (GraphQL over Server-Sent Events); absent when the server serves none. */
const streamEndpoint = settings.streamEndpoint;

/**
 * The operation to run, when it is a subscription (a document that does not parse goes to /graphql, which says why).
 * GraphiQL updates the operation name a moment after the editor's text: a name the document no longer has is
 * dropped when the document holds a single operation.
 */
function subscriptionOf(params) {
  try {
    const document = parse(params.query);
    let operationName = params.operationName;
    let operation = getOperationAST(document, operationName);
    if (!operation && operationName) {
      operation = getOperationAST(document);
      operationName = operation?.name?.value;
    }
    return operation?.operation === 'subscription' ? { ...params, operationName } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a subscription over GraphQL over SSE (graphql-sse, distinct connections mode) with the headers editor's
 * headers; GraphiQL shows each event as it arrives. Stopping it in GraphiQL closes the stream.
 */
function subscribe(params, options) {
  const client = createClient({
    url: streamEndpoint,
    headers: { ...(options && options.headers) },
    retryAttempts: 0,
  });
  const events = client.iterate(params);
  return {
    next: () => events.next(),
    return: async () => {
      client.dispose();
      return events.return ? events.return() : { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Posts every operation (introspection included) as JSON to Augur, same origin, with the headers editor's headers.
 * A body that is not JSON becomes a GraphQL error so the response pane always shows what happened.
 */
async function fetcher(params, options) {
  const subscription = streamEndpoint && subscriptionOf(params);
  if (subscription) return subscribe(subscription, options);
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      accept: 'application/graphql-response+json, application/json',
      'content-type': 'application/json',
      ...(options && options.headers),
    },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `Augur answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 300)}` }] };
  }
}

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL
    fetcher={fetcher}
    defaultQuery={settings.defaultQuery}
    defaultHeaders={settings.defaultHeaders}
    defaultEditorToolsVisibility="headers"
    isHeadersEditorEnabled
    shouldPersistHeaders={false}
  >
    <GraphiQL.Logo>Augur</GraphiQL.Logo>
  </GraphiQL>,
);
