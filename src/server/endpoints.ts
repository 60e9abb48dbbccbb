/**
 * The endpoints Augur can call. Dataiku's user API cannot list endpoints, so they come from configuration (or the
 * embedded emulator's demo service); Prevision deployments are added by the Prevision part of the schema.
 */
import type { DataikuEndpointConfig } from './config.js';
import type { DataikuEndpointRef } from '../resolvers/models.js';
import { AugurError, ErrorCode, badInput, quote } from '../core/errors.js';
import type { IdCodec } from '../relay/ids.js';

export class EndpointRegistry {
  private readonly dataiku: DataikuEndpointRef[];
  private readonly byPath = new Map<string, DataikuEndpointRef>();
  private readonly byName = new Map<string, DataikuEndpointRef[]>();
  private readonly resolved = new Map<string, DataikuEndpointRef | { prevision: string }>();

  constructor(endpoints: readonly DataikuEndpointConfig[]) {
    this.dataiku = endpoints.map((e) => ({ platform: 'dataiku' as const, ...e }));
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
   * Resolves an `endpoint` argument that names a Dataiku endpoint: a global id, `service/endpoint`, or a unique
   * endpoint name. Answers `{prevision: deploymentId}` for a Prevision deployment id, which the caller resolves.
   */
  resolve(arg: string, codec: IdCodec, argName = 'endpoint'): DataikuEndpointRef | { prevision: string } {
    // Resolution is pure for a given argument, and the same few endpoints are named on every request.
    const cached = this.resolved.get(arg);
    if (cached) return cached;
    const ref = this.resolveUncached(arg, codec, argName);
    if (this.resolved.size >= 1000) this.resolved.clear();
    this.resolved.set(arg, ref);
    return ref;
  }

  private resolveUncached(arg: string, codec: IdCodec, argName: string): DataikuEndpointRef | { prevision: string } {
    const decoded = codec.tryDecode(arg);
    if (decoded) {
      if (decoded.type !== 'Endpoint') {
        throw badInput(`Argument "${argName}" is the id of a ${decoded.type}, not of an Endpoint.`, { param: argName });
      }
      if (decoded.localId.startsWith('prevision:')) return { prevision: decoded.localId.slice('prevision:'.length) };
      const ref = this.byPath.get(decoded.localId.slice('dataiku:'.length));
      if (!ref) {
        throw new AugurError(ErrorCode.NOT_FOUND, `Endpoint ${decoded.localId.slice(8)} is no longer configured in this Augur instance.`, {
          platform: 'dataiku',
          param: argName,
        });
      }
      return ref;
    }
    if (/^[0-9a-f]{24}$/.test(arg)) return { prevision: arg };
    const ref = arg.includes('/') ? this.byPath.get(arg) : undefined;
    if (ref) return ref;
    const named = this.byName.get(arg);
    if (named && named.length === 1) return named[0]!;
    if (named && named.length > 1) {
      throw badInput(
        `Endpoint name ${quote(arg)} is ambiguous: it exists in services ${named.map((n) => n.serviceId).join(', ')}. Use "service/endpoint" or the endpoint's id.`,
        { param: argName },
      );
    }
    throw new AugurError(
      ErrorCode.NOT_FOUND,
      `No endpoint ${quote(arg)}. Pass an id from Query.endpoints, "service/endpoint", or a configured endpoint name (${[...this.byName.keys()].slice(0, 10).join(', ')}).`,
      { param: argName },
    );
  }
}
