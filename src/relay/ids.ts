/**
 * Global object ids and connection cursors: opaque, stable across restarts and replicas (they depend only on the
 * configured id secret), and signed, so a forged, truncated or tampered value is rejected before any upstream call.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badInput } from '../core/errors.js';
import { stableStringify } from '../core/stableStringify.js';

/** The object types a global id may name, with the shape their upstream-local id must have. */
export const NODE_TYPES = {
  Endpoint: /^(dataiku:[^/\s]{1,200}\/[^/\s]{1,200}|prevision:[0-9a-f]{24})$/,
  Contact: /^[A-Za-z0-9_-]{1,64}$/,
  Assignment: /^[A-Za-z0-9_-]{1,64}$/,
  Agreement: /^[A-Za-z0-9_-]{1,64}$/,
  Account: /^[A-Za-z0-9_-]{1,64}$/,
  Credential: /^[0-9]{1,15}$/,
  CivisUser: /^[0-9]{1,15}$/,
  CivisDatabase: /^[0-9]{1,15}$/,
  CivisTable: /^[0-9]{1,15}$/,
  CivisFile: /^[0-9]{1,15}$/,
  CivisImport: /^[0-9]{1,15}$/,
  CivisJob: /^[0-9]{1,15}$/,
  CivisJobRun: /^[0-9]{1,15}:[0-9]{1,15}$/,
  CivisModel: /^[0-9]{1,15}$/,
  CivisPrediction: /^[0-9]{1,15}$/,
  CivisProject: /^[0-9]{1,15}$/,
  CivisQuery: /^[0-9]{1,15}$/,
  CivisReport: /^[0-9]{1,15}$/,
  CivisScript: /^[0-9]{1,15}$/,
  PrevisionProject: /^[0-9a-f]{24}$/,
  PrevisionDataset: /^[0-9a-f]{24}$/,
  PrevisionExperiment: /^[0-9a-f]{24}$/,
  PrevisionExperimentVersion: /^[0-9a-f]{24}$/,
  PrevisionModel: /^[0-9a-f]{24}$/,
  PrevisionDeployment: /^[0-9a-f]{24}$/,
  PrevisionDeploymentPrediction: /^[0-9a-f]{24}$/,
  PrevisionValidationPrediction: /^[0-9a-f]{24}$/,
  PrevisionConnector: /^[0-9a-f]{24}$/,
  PrevisionDataSource: /^[0-9a-f]{24}$/,
  PrevisionExporter: /^[0-9a-f]{24}$/,
  PrevisionExport: /^[0-9a-f]{24}$/,
  PrevisionPipelineTemplate: /^[0-9a-f]{24}$/,
  PrevisionPipelineScheduledRun: /^[0-9a-f]{24}$/,
  PrevisionImageFolder: /^[0-9a-f]{24}$/,
} as const satisfies Record<string, RegExp>;

export type NodeTypeName = keyof typeof NODE_TYPES;

const SIG_BYTES = 6;

function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}

/** Encodes and verifies ids and cursors with one secret. */
export class IdCodec {
  constructor(private readonly secret: string) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, SIG_BYTES).toString('base64url');
  }

  private verify(payload: string, sig: string): boolean {
    const expected = Buffer.from(this.sign(payload));
    const got = Buffer.from(sig);
    return got.length === expected.length && timingSafeEqual(got, expected);
  }

  /** The global id of an object. */
  encode(type: NodeTypeName, localId: string): string {
    const payload = `${type}:${localId}`;
    return b64url(`${payload}|${this.sign(payload)}`);
  }

  /** Decodes a global id, checking its signature and, when given, that it names one of `expected`. */
  decode<T extends NodeTypeName>(id: string, expected?: readonly T[], argName = 'id'): { type: T; localId: string } {
    const invalid = (why: string) =>
      badInput(`Argument "${argName}" is not a valid Augur id (${why}). Use an id exactly as Augur returned it.`, {
        param: argName,
      });
    if (typeof id !== 'string' || id.length === 0 || id.length > 600 || !/^[A-Za-z0-9_-]+$/.test(id)) throw invalid('malformed');
    const text = Buffer.from(id, 'base64url').toString('utf8');
    const bar = text.lastIndexOf('|');
    const colon = text.indexOf(':');
    if (bar === -1 || colon === -1 || colon > bar) throw invalid('malformed');
    const payload = text.slice(0, bar);
    if (!this.verify(payload, text.slice(bar + 1))) throw invalid('signature mismatch: forged or altered');
    const type = payload.slice(0, colon) as T;
    const localId = payload.slice(colon + 1);
    const shape = (NODE_TYPES as Record<string, RegExp>)[type];
    if (!shape || !shape.test(localId)) throw invalid('unknown type');
    if (expected && !expected.includes(type)) {
      throw badInput(`Argument "${argName}" is the id of a ${type}, but a ${expected.join(' or ')} id is expected here.`, {
        param: argName,
      });
    }
    return { type, localId };
  }

  /**
   * Decodes without throwing: undefined for anything that is not a valid Augur id. Endpoint names such as "churn"
   * take this path on every predict, so it must not build errors.
   */
  tryDecode(id: string): { type: NodeTypeName; localId: string } | undefined {
    if (typeof id !== 'string' || id.length < 12 || id.length > 600 || !/^[A-Za-z0-9_-]+$/.test(id)) return undefined;
    const text = Buffer.from(id, 'base64url').toString('utf8');
    const bar = text.lastIndexOf('|');
    const colon = text.indexOf(':');
    if (bar === -1 || colon === -1 || colon > bar) return undefined;
    const payload = text.slice(0, bar);
    if (!this.verify(payload, text.slice(bar + 1))) return undefined;
    const type = payload.slice(0, colon) as NodeTypeName;
    const localId = payload.slice(colon + 1);
    const shape = (NODE_TYPES as Record<string, RegExp>)[type];
    return shape && shape.test(localId) ? { type, localId } : undefined;
  }

  /** A cursor for item `offset` of the connection identified by `binding`. */
  cursor(binding: string, offset: number): string {
    const payload = `c1|${binding}|${offset}`;
    return b64url(`${payload}|${this.sign(payload)}`);
  }

  /** The offset a cursor points at, verified against the connection's binding. */
  offsetOf(cursor: string, binding: string, argName: string): number {
    const invalid = (why: string) =>
      badInput(`Argument "${argName}" is not a valid cursor (${why}). Use a cursor exactly as this connection returned it.`, {
        param: argName,
      });
    if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
      throw invalid('malformed');
    }
    const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
    if (parts.length !== 4 || parts[0] !== 'c1') throw invalid('malformed');
    const payload = parts.slice(0, 3).join('|');
    if (!this.verify(payload, parts[3]!)) throw invalid('signature mismatch: forged or altered');
    if (parts[1] !== binding) {
      throw badInput(
        `Argument "${argName}" is a cursor from a different connection or from the same connection with other filter, order or search arguments. Page with the arguments the cursor was issued for, or start again without "${argName}".`,
        { param: argName },
      );
    }
    const offset = Number(parts[2]);
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalid('malformed');
    return offset;
  }
}

/** A short digest naming a connection and the arguments that shape its item list (not the paging arguments). */
export function connectionBinding(name: string, shapingArgs: unknown): string {
  return createHash('sha256')
    .update(`${name}\n${stableStringify(shapingArgs)}`)
    .digest()
    .subarray(0, 9)
    .toString('base64url');
}
