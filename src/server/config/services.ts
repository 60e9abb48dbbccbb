/** The services Augur talks to besides the platforms: Redis (`REDIS_URL`) and the OpenTelemetry exporter (`OTEL_*`). */
import { ConfigError, str, type Env } from './env.js';

/** Parses `REDIS_URL`: `redis://[user:password@]host[:port][/db]` or `rediss://` for TLS. */
export function redisUrl(env: Env, name: string): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || !parsed.hostname) {
    // The value may hold a password: name the shape expected, never echo it.
    throw new ConfigError(`${name} must be a URL such as redis://127.0.0.1:6379 or rediss://user:password@host:6380/0.`);
  }
  return raw;
}

/**
 * Tracing is on when `OTEL_TRACES_EXPORTER` is `otlp`, or when an OTLP endpoint is set and `OTEL_TRACES_EXPORTER` is
 * not `none`; `OTEL_SDK_DISABLED=true` turns it off whatever else is set.
 */
export function tracingEnabled(env: Env): boolean {
  if (str(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return false;
  const exporters = (str(env, 'OTEL_TRACES_EXPORTER') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unsupported = exporters.filter((e) => e !== 'otlp' && e !== 'none');
  if (unsupported.length) {
    throw new ConfigError(
      `OTEL_TRACES_EXPORTER supports "otlp" or "none", got "${unsupported.join(',')}"; unset it or use otlp with OTEL_EXPORTER_OTLP_ENDPOINT.`,
    );
  }
  if (exporters.includes('none')) return false;
  return exporters.includes('otlp') || !!str(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') || !!str(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
}
