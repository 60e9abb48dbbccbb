import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { describe, expect, it } from 'vitest';
import { combinePlugins } from '../../src/server/plugins/combine.js';

/** A plugin that records, in `log`, each hook Apollo calls on it (async or not), and what its end hooks see. */
function recorder(name: string, log: string[], options: { async?: boolean; answer?: unknown } = {}): ApolloServerPlugin<BaseContext> {
  const wrap =
    <T>(value: T) =>
    (): T | Promise<T> =>
      options.async ? Promise.resolve(value) : value;
  const note = <T>(hook: string, value?: T) => {
    log.push(`${name}.${hook}`);
    return wrap(value)();
  };
  return {
    async serverWillStart() {
      log.push(`${name}.serverWillStart`);
    },
    requestDidStart() {
      log.push(`${name}.requestDidStart`);
      const listener = {
        didResolveSource: () => note('didResolveSource'),
        parsingDidStart: () => note('parsingDidStart', (err?: unknown) => log.push(`${name}.parsingDidEnd(${err ? 'error' : ''})`)),
        validationDidStart: () => note('validationDidStart', () => log.push(`${name}.validationDidEnd`)),
        didResolveOperation: () => note('didResolveOperation'),
        responseForOperation: () => note('responseForOperation', options.answer ?? null),
        executionDidStart: () =>
          note('executionDidStart', {
            executionDidEnd: () => {
              log.push(`${name}.executionDidEnd`);
            },
          }),
        willSendResponse: () => note('willSendResponse'),
        didEncounterErrors: () => note('didEncounterErrors'),
      };
      return (options.async ? Promise.resolve(listener) : listener) as never;
    },
  };
}

async function run(plugins: ApolloServerPlugin<BaseContext>[], query: string): Promise<unknown> {
  const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } }, plugins });
  await server.start();
  try {
    const response = await server.executeOperation({ query });
    return response.body.kind === 'single' ? response.body.singleResult : undefined;
  } finally {
    await server.stop();
  }
}

describe('combinePlugins', () => {
  it('calls the same hooks in the same order as Apollo does on the plugins apart, sync and async alike', async () => {
    for (const query of ['{ hello }', '{ nope }', '{ hello ']) {
      const apart: string[] = [];
      const together: string[] = [];
      const make = (log: string[]) => [recorder('a', log), recorder('b', log, { async: true }), recorder('c', log)];
      const a = await run(make(apart), query);
      const b = await run(combinePlugins(make(together)), query);
      expect(b).toEqual(a);
      expect(together).toEqual(apart);
      expect(together.filter((l) => l.endsWith('.requestDidStart'))).toEqual([
        'a.requestDidStart',
        'b.requestDidStart',
        'c.requestDidStart',
      ]);
    }
  });

  it("lets the first listener's answer stand for the operation, as Apollo does", async () => {
    const log: string[] = [];
    const answer = {
      body: { kind: 'single', singleResult: { data: { hello: 'from b' } } },
      http: { headers: new Map(), status: undefined },
    };
    const result = await run(
      combinePlugins([recorder('a', log), recorder('b', log, { async: true, answer }), recorder('c', log, { answer: 'unused' })]),
      '{ hello }',
    );
    expect(result).toEqual({ data: { hello: 'from b' } });
    expect(log).toContain('b.responseForOperation');
    expect(log).not.toContain('c.responseForOperation');
    expect(log).not.toContain('a.executionDidStart');
  });

  it("leaves Apollo's plugins where they are and makes one plugin of each run of the others", () => {
    const log: string[] = [];
    const apollos = ApolloServerPluginLandingPageDisabled();
    const combined = combinePlugins([recorder('a', log), recorder('b', log), apollos, recorder('c', log)]);
    // a+b as one request plugin and their server hooks, Apollo's plugin, then c's request hooks and server hooks.
    expect(combined).toHaveLength(6);
    expect(combined[3]).toBe(apollos);
    expect(combined.filter((p) => 'requestDidStart' in p)).toHaveLength(2);
  });

  it('fails the hooks together when one of them throws, as Promise.all does', async () => {
    const failing: ApolloServerPlugin<BaseContext> = {
      async requestDidStart() {
        return {
          async didResolveOperation() {
            throw new Error('refused by the plugin');
          },
        };
      },
    };
    // The same hook, thrown synchronously: the other listeners' hooks still run, as they would beside an async one.
    const failingNow = {
      requestDidStart: () => ({
        didResolveOperation: () => {
          throw new Error('refused by the plugin');
        },
      }),
    };
    const log: string[] = [];
    const apart = await run([recorder('a', log), failing], '{ hello }');
    for (const plugin of [failing, failingNow]) {
      const together: string[] = [];
      const result = await run(combinePlugins([plugin, recorder('a', together)]), '{ hello }');
      expect(result).toEqual(apart);
      expect(JSON.stringify(result)).toContain('refused by the plugin');
      expect(together).toContain('a.didResolveOperation');
      expect(together).toContain('a.willSendResponse');
      expect(together).not.toContain('a.executionDidStart');
    }
  });
});
