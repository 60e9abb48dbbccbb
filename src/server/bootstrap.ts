/**
 * Boots the embedded emulators for every platform whose URL is not configured, and turns a Config into the
 * dependencies `createServer` needs. Used by `main.ts` (default ports) and by tests (port 0).
 */
import type { Emulator } from '@augur/emulators';
import type { DataikuEndpointDescription } from '@augur/emulators/dataiku';
import type { DataikuFeatureType } from '../upstreams/dataiku/types.js';
import { PLATFORMS, type PlatformName } from '../core/upstream.js';
import type { Config } from './config.js';
import type { DataikuEndpointConfig } from './config/dataiku.js';
import type { PlatformEndpoint } from '../resolvers/context.js';

export interface EmbeddedStack {
  /** The config with emulated platforms' credentials filled in. */
  config: Config;
  platforms: Record<PlatformName, PlatformEndpoint>;
  dataikuEndpoints: DataikuEndpointConfig[];
  /** The emulators started, by platform. */
  emulators: Partial<Record<PlatformName, Emulator>>;
  close(): Promise<void>;
}

export interface BootOptions {
  /** Environment map for the emulators' own overrides (demo keys, limits). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Port per emulated platform; 0 picks a free port. Defaults to each emulator's default port. */
  port?(platform: PlatformName, defaultPort: number): number;
  host?: string;
  /** Extra emulator options per platform (tests shrink windows and limits). */
  emulatorOptions?: Partial<Record<PlatformName, Record<string, unknown>>>;
}

/** The credential the gateway uses against an emulator it started itself. */
function emulatorCredential(platform: PlatformName, options: Record<string, unknown>): string | undefined {
  const first = (key: string): string | undefined => {
    const v = options[key];
    return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
  };
  switch (platform) {
    case 'dataiku':
      return first('apiKeys') ?? 'augur-demo-dataiku';
    case 'civis':
      return first('apiKeys') ?? 'augur-demo-civis';
    case 'prevision':
      return first('masterTokens') ?? 'augur-demo-prevision';
    case 'previsto': {
      const tenants = options['tenants'];
      const t = Array.isArray(tenants) ? (tenants[0] as { secretKey?: unknown } | undefined) : undefined;
      return typeof t?.secretKey === 'string' ? t.secretKey : 'sk_augur_demo';
    }
  }
}

export async function bootEmbedded(config: Config, options: BootOptions = {}): Promise<EmbeddedStack> {
  const env = options.env ?? {};
  const emulators: Partial<Record<PlatformName, Emulator>> = {};
  const platforms = {} as Record<PlatformName, PlatformEndpoint>;
  const resolved: Config = { ...config, platforms: { ...config.platforms } };
  let dataikuServiceId: string | undefined;
  // The emulators are loaded only when a platform is emulated: a fully configured gateway never pays for them.
  const needsEmulators = PLATFORMS.some((p) => !config.platforms[p].url) || !config.dataiku.endpoints;
  const { EMULATORS } = needsEmulators ? await import('@augur/emulators') : { EMULATORS: undefined };
  try {
    for (const platform of PLATFORMS) {
      const settings = config.platforms[platform];
      if (settings.url) {
        // PREVISION_URL names the host, as for the previsionio SDK; the API lives under /ext/v1.
        const url = platform === 'prevision' && !/\/ext\/v1$/.test(settings.url) ? `${settings.url}/ext/v1` : settings.url;
        platforms[platform] = { url, emulated: false };
        continue;
      }
      const mod = EMULATORS![platform];
      const emulatorOptions = { ...(mod.optionsFromEnv(env) as Record<string, unknown>), ...(options.emulatorOptions?.[platform] ?? {}) };
      const emulator = mod.create(emulatorOptions as never);
      const port = options.port ? options.port(platform, mod.defaultPort) : mod.defaultPort;
      const url = await emulator.listen(port, options.host ?? '127.0.0.1');
      emulators[platform] = emulator;
      platforms[platform] = { url: platform === 'prevision' ? `${url}/ext/v1` : url, emulated: true };
      resolved.platforms[platform] = { ...settings, credential: settings.credential ?? emulatorCredential(platform, emulatorOptions) };
      if (platform === 'dataiku' && typeof emulatorOptions['serviceId'] === 'string') dataikuServiceId = emulatorOptions['serviceId'];
    }
  } catch (err) {
    await Promise.all(Object.values(emulators).map((e) => e.close()));
    throw err;
  }
  let dataikuEndpoints = config.dataiku.endpoints;
  if (!dataikuEndpoints) {
    const demo = await import('@augur/emulators/dataiku');
    const serviceId = dataikuServiceId ?? demo.DATAIKU_DEFAULT_OPTIONS.serviceId;
    dataikuEndpoints = demo.DATAIKU_DEMO_ENDPOINTS.map((e) => ({
      serviceId,
      endpointId: e.id,
      type: e.type as DataikuEndpointConfig['type'],
      ...demoInputs(e),
    }));
  }
  return {
    config: resolved,
    platforms,
    dataikuEndpoints,
    emulators,
    close: async () => {
      await Promise.all(Object.values(emulators).map((e) => e.close()));
    },
  };
}

/** Input types of the demo models' features, which the emulator describes by name only. */
const DEMO_FEATURE_TYPES: Record<string, DataikuFeatureType> = {
  name: 'STRING',
  address: 'STRING',
  postalCode: 'STRING',
  city: 'STRING',
  countryCode: 'STRING',
  location: 'ARRAY',
  phone: 'STRING',
  email: 'STRING',
  notifyBeforeWork: 'BOOLEAN',
  archived: 'BOOLEAN',
  accountingMode: 'STRING',
  invoiceDelivery: 'STRING',
  agentIds: 'ARRAY',
  meta: 'OBJECT',
  surface: 'NUMBER',
  rooms: 'NUMBER',
  tenureMonths: 'NUMBER',
  monthlySpend: 'NUMBER',
  channel: 'STRING',
  segment: 'STRING',
};

const DEMO_PARAMETER_TYPES: Record<string, DataikuFeatureType> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  date: 'DATE',
  'number[]': 'ARRAY',
};

/**
 * The inputs the demo service's endpoints declare, from the emulator's description of them: model features (the churn
 * model takes extra numeric features too), forecast columns, lookup keys, SQL parameters and function arguments.
 */
function demoInputs(e: DataikuEndpointDescription): Pick<DataikuEndpointConfig, 'inputs' | 'acceptsUnknown'> {
  if (e.parameters) {
    return {
      inputs: e.parameters.map((p) => ({ name: p.name, type: DEMO_PARAMETER_TYPES[p.type] ?? 'ANY', required: p.required })),
      acceptsUnknown: false,
    };
  }
  if (e.timeseries) {
    const t = e.timeseries;
    return {
      inputs: [
        { name: t.dateColumn, type: 'DATE', required: true },
        ...t.identifierColumns.map((name) => ({ name, type: 'ANY' as const, required: false })),
        { name: t.target, type: 'NUMBER', required: true },
      ],
      acceptsUnknown: false,
    };
  }
  if (e.lookupKeys) return { inputs: e.lookupKeys.map((name) => ({ name, type: 'ANY' as const, required: false })), acceptsUnknown: false };
  if (e.features) {
    return {
      inputs: e.features.map((name) => ({ name, type: DEMO_FEATURE_TYPES[name] ?? 'ANY', required: false })),
      acceptsUnknown: e.id === 'churn',
    };
  }
  return { inputs: [], acceptsUnknown: true };
}
