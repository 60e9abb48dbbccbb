/**
 * Mapper types of the GraphQL types that are no upstream's wire type (platforms, endpoints, namespace roots). They
 * import nothing generated, so codegen's mappers can point here without an import circle.
 */
import type { PlatformName } from '../core/upstream.js';
import type { DataikuEndpointType, DataikuInputFeature } from '../upstreams/dataiku/types.js';

/** Mapper of `Platform`. */
export interface PlatformInfo {
  name: PlatformName;
  url: string;
  emulated: boolean;
}

/** Mapper of `Gateway`: the Augur instance answering one request. */
export interface GatewayInfo {
  version: string;
  requestId: string;
  receivedAt: string;
}

/** Mapper of `PlatformStatus`. */
export type PlatformStatusInfo = PlatformStatusResult;

/** The outcome of a platform's status probe (`StatusChecker.check`). */
export interface PlatformStatusResult {
  reachable: boolean;
  version: string | null;
  latencyMs: number;
  checkedAt: string;
  error: string | null;
  /** Whether the platform accepted the credential the check sent; undefined when the check sends none or got no answer. */
  authenticated?: boolean | null;
}

/** Mapper of the `Prevision` namespace type. */
export type PrevisionRoot = Record<string, never>;

/** Mapper of `PrevisionPrediction` and its implementations: a deployed model's answer, typed by what it predicts. */
export type PrevisionPredictionResult = PrevisionClassificationResult | PrevisionRegressionResult;

/** Mapper of `PrevisionClassification`. */
export interface PrevisionClassificationResult {
  kind: 'classification';
  label: string;
  probabilities: Array<{ label: string; probability: number }>;
  raw: Record<string, unknown>;
  explanation: Array<{ feature: string; value: number }>;
  confidence: Record<string, unknown> | null;
}

/** Mapper of `PrevisionRegression`. */
export interface PrevisionRegressionResult {
  kind: 'regression';
  value: number;
  raw: Record<string, unknown>;
  explanation: Array<{ feature: string; value: number }>;
  confidence: Record<string, unknown> | null;
}

/** Mapper of the `Civis` namespace type. */
export type CivisRoot = Record<string, never>;

/** A configured Dataiku API node endpoint. */
export interface DataikuEndpointRef {
  platform: 'dataiku';
  serviceId: string;
  endpointId: string;
  type: DataikuEndpointType;
  /** Declared inputs, checked before every call; empty when none are declared. */
  inputs: readonly DataikuInputFeature[];
  /** Whether inputs not in `inputs` are sent on. */
  acceptsUnknown: boolean;
}

/** A Prevision.io deployment, exposed as an endpoint. */
export interface PrevisionDeploymentRef {
  platform: 'prevision';
  deploymentId: string;
  projectId: string;
  name: string;
  type: 'DEPLOYMENT';
}

/** An endpoint as resolvers see it (the mapper of the GraphQL `Endpoint` type). */
export type EndpointRef = DataikuEndpointRef | PrevisionDeploymentRef;

/** The upstream-local part of an endpoint's global id. */
export function endpointLocalId(ref: EndpointRef): string {
  return ref.platform === 'dataiku' ? `dataiku:${ref.serviceId}/${ref.endpointId}` : `prevision:${ref.deploymentId}`;
}
