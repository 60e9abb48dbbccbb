/**
 * The endpoints Augur can call. Dataiku's user API cannot list endpoints, so they come from configuration (or the
 * embedded emulator's demo service); Prevision deployments are added by the Prevision part of the schema.
 */
import type { DataikuEndpointConfig } from './config/dataiku.js';
import type { DataikuEndpointRef } from '../resolvers/models.js';
import { AugurError, ErrorCode, badInput, quote } from '../core/errors.js';
import type { IdCodec } from '../relay/ids.js';

export class EndpointRegistry {
  private readonly dataiku: DataikuEndpointRef[];
  private readonly byPath = new Map<string, DataikuEndpointRef>();
  private readonly byName = new Map<string, DataikuEndpointRef[]>();
  private readonly resolved = new Map<string, DataikuEndpointRef | { prevision: string }>();

  constructor(endpoints: readonly DataikuEndpointConfig[]) {
    this.dataiku = endpoints.map((e) => ({
      platform: 'dataiku' as const,
      serviceId: e.serviceId,
      endpointId: e.endpointId,
      type: e.type,
      inputs: e.inputs ?? [],
      acceptsUnknown: e.acceptsUnknown ?? (e.inputs ?? []).length === 0,
    }));
    for (const ref of this.dataiku) {
      this.byPath.set(`${ref.serviceId}/${ref.endpointId}`, ref);
      this.byName.set(ref.endpointId, [...(this.byName.get(ref.endpointId) ?? []), ref]);
    }
  }

  /** Configured Dataiku endpoints, in configuration order. */
  dataikuEndpoints(): readonly DataikuEndpointRef[] {
    return this.dataiku;
  }

  /**
   * Resolves a global id (of an `Endpoint`, or of a `PrevisionDeployment`) to a configured Dataiku endpoint, or to
   * `{prevision: deploymentId}` for a Prevision deployment, which the caller loads.
   */
  resolveId(id: string, codec: IdCodec, argName = 'endpoint'): DataikuEndpointRef | { prevision: string } {
    // Resolution is pure for a given argument, and the same few endpoints are named on every request.
    const key = `id:${id}`;
    const cached = this.resolved.get(key);
    if (cached) return cached;
    const decoded = codec.decode(id, ['Endpoint', 'PrevisionDeployment'], argName);
    let ref: DataikuEndpointRef | { prevision: string };
    if (decoded.type === 'PrevisionDeployment') ref = { prevision: decoded.localId };
    else if (decoded.localId.startsWith('prevision:')) ref = { prevision: decoded.localId.slice('prevision:'.length) };
    else {
      const path = decoded.localId.slice('dataiku:'.length);
      const found = this.byPath.get(path);
      if (!found) {
        throw new AugurError(
          ErrorCode.NOT_FOUND,
          `Endpoint ${path} is no longer configured in this Augur instance; list Query.endpoints.`,
          {
            platform: 'dataiku',
            param: argName,
          },
        );
      }
      ref = found;
    }
    this.remember(key, ref);
    return ref;
  }

  /** Resolves a configured Dataiku endpoint by `service/endpoint` or by an endpoint name unique across services. */
  resolveName(name: string, argName = 'endpointName'): DataikuEndpointRef {
    const key = `name:${name}`;
    const cached = this.resolved.get(key);
    if (cached && !('prevision' in cached)) return cached;
    const ref = name.includes('/') ? this.byPath.get(name) : undefined;
    if (ref) {
      this.remember(key, ref);
      return ref;
    }
    const named = this.byName.get(name);
    if (named && named.length === 1) {
      this.remember(key, named[0]!);
      return named[0]!;
    }
    if (named && named.length > 1) {
      throw badInput(
        `Endpoint name ${quote(name)} is ambiguous: it exists in services ${named.map((n) => n.serviceId).join(', ')}. Pass "service/endpoint" as ${argName}, or the endpoint's id as endpoint.`,
        { param: argName },
      );
    }
    throw new AugurError(
      ErrorCode.NOT_FOUND,
      `No configured endpoint ${quote(name)}. Pass "service/endpoint" or a configured endpoint name (${[...this.byName.keys()].slice(0, 10).join(', ')}) as ${argName}, or an id from Query.endpoints as endpoint.`,
      { param: argName },
    );
  }

  private remember(key: string, ref: DataikuEndpointRef | { prevision: string }): void {
    if (this.resolved.size >= 1000) this.resolved.clear();
    this.resolved.set(key, ref);
  }
}
