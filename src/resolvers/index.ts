/** The full resolver map: scalars, then each domain's resolvers merged type by type. */
import { GraphQLError, GraphQLScalarType } from 'graphql';
import {
  DateTimeResolver,
  EmailAddressResolver,
  JSONObjectResolver,
  JSONResolver,
  LocalDateResolver,
  LocalDateTimeResolver,
  URLResolver,
} from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers.js';
import { ENUM_VALUES } from './enums.js';
import { dataikuResolvers } from './dataiku.js';
import { createNodeResolvers, type NodeFetcher } from './node.js';
import { platformResolvers } from './platform.js';
import { previstoResolvers } from './previsto.js';
import { deploymentRef, loadPrevision, previsionResolvers } from './prevision.js';
import { previsionConnectorResolvers } from './previsionConnectors.js';
import { previsionLifecycleResolvers } from './previsionLifecycle.js';
import { previsionPipelineResolvers } from './previsionPipelines.js';
import { previsionUploadResolvers } from './previsionUploads.js';
import { civisNodeFetchers, civisResolvers } from './civis/index.js';
import { mergeResolvers } from './merge.js';
import { subscriptionResolvers } from './subscriptions.js';
import type { PrevisionDeployment } from '../upstreams/prevision/types.js';
import type { NodeTypeName } from '../relay/ids.js';

/** How each node type is loaded by id: `Query.node` and, in a federated graph, each entity's `__resolveReference`. */
export function createNodeFetchers(): Partial<Record<NodeTypeName, NodeFetcher>> {
  return {
    ...civisNodeFetchers,
    Contact: (ctx, id) => ctx.previsto.contact.load(id),
    Agreement: (ctx, id) => ctx.previsto.agreement.load(id),
    Assignment: (ctx, id) => ctx.previsto.assignment.load(id),
    PrevisionProject: (ctx, id) => loadPrevision(ctx, 'PrevisionProject', id),
    PrevisionDataset: (ctx, id) => loadPrevision(ctx, 'PrevisionDataset', id),
    PrevisionExperiment: (ctx, id) => loadPrevision(ctx, 'PrevisionExperiment', id),
    PrevisionExperimentVersion: (ctx, id) => loadPrevision(ctx, 'PrevisionExperimentVersion', id),
    PrevisionModel: (ctx, id) => loadPrevision(ctx, 'PrevisionModel', id),
    PrevisionDeployment: (ctx, id) => loadPrevision(ctx, 'PrevisionDeployment', id),
    PrevisionDeploymentPrediction: (ctx, id) => loadPrevision(ctx, 'PrevisionDeploymentPrediction', id),
    PrevisionValidationPrediction: (ctx, id) => loadPrevision(ctx, 'PrevisionValidationPrediction', id),
    PrevisionConnector: (ctx, id) => loadPrevision(ctx, 'PrevisionConnector', id),
    PrevisionDataSource: (ctx, id) => loadPrevision(ctx, 'PrevisionDataSource', id),
    PrevisionExporter: (ctx, id) => loadPrevision(ctx, 'PrevisionExporter', id),
    PrevisionExport: (ctx, id) => loadPrevision(ctx, 'PrevisionExport', id),
    PrevisionPipelineTemplate: (ctx, id) => loadPrevision(ctx, 'PrevisionPipelineTemplate', id),
    PrevisionPipelineScheduledRun: (ctx, id) => loadPrevision(ctx, 'PrevisionPipelineScheduledRun', id),
    PrevisionImageFolder: (ctx, id) => loadPrevision(ctx, 'PrevisionImageFolder', id),
    Endpoint: async (ctx, id) => {
      const ref = ctx.services.endpoints.resolveId(ctx.services.codec.encode('Endpoint', id), ctx.services.codec, 'id');
      if (!('prevision' in ref)) return ref;
      return deploymentRef(await loadPrevision<PrevisionDeployment>(ctx, 'PrevisionDeployment', ref.prevision));
    },
  };
}

/** A graphql-scalars scalar without its own description, so the one written in `schema/base.graphql` is served. */
function keepSchemaDescription(scalar: GraphQLScalarType): GraphQLScalarType {
  const { description: _drop, ...config } = scalar.toConfig();
  void _drop;
  return new GraphQLScalarType(config);
}

/** Default of `AUGUR_MAX_INPUT_DEPTH`: how deep a JSON argument may nest (objects and arrays). */
export const MAX_JSON_DEPTH = 64;

/** Whether a value nests objects or arrays more than `max` levels deep (checked without recursion). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * A JSON scalar refusing input nested beyond `maxDepth` levels as BAD_USER_INPUT: such input has no use for any
 * platform, and hashing or serialising it for the upstream call would exhaust the stack.
 */
function boundedJson(scalar: GraphQLScalarType, maxDepth: number): GraphQLScalarType {
  const config = scalar.toConfig();
  const check = (value: unknown): unknown => {
    if (value !== null && typeof value === 'object' && nestsDeeperThan(value, maxDepth)) {
      throw new GraphQLError(
        `${config.name} values may nest objects and arrays at most ${maxDepth} levels deep (AUGUR_MAX_INPUT_DEPTH); send a flatter value.`,
        { extensions: { code: 'BAD_USER_INPUT', limit: 'maxInputDepth', max: maxDepth } },
      );
    }
    return value;
  };
  return new GraphQLScalarType({
    ...config,
    parseValue: (value) => check(config.parseValue(value)),
    parseLiteral: (ast, variables) => check(config.parseLiteral(ast, variables)),
  });
}

export interface ResolverOptions {
  /** `AUGUR_MAX_INPUT_DEPTH`: deepest nesting of objects and arrays accepted in a JSON or JSONObject argument. */
  maxInputDepth?: number;
}

export function createResolvers(options: ResolverOptions = {}): Resolvers {
  const maxInputDepth = options.maxInputDepth ?? MAX_JSON_DEPTH;
  const nodes = createNodeResolvers(createNodeFetchers());
  return mergeResolvers(
    {
      DateTime: keepSchemaDescription(DateTimeResolver),
      LocalDate: keepSchemaDescription(LocalDateResolver),
      LocalDateTime: keepSchemaDescription(LocalDateTimeResolver),
      EmailAddress: keepSchemaDescription(EmailAddressResolver),
      JSON: boundedJson(keepSchemaDescription(JSONResolver), maxInputDepth),
      JSONObject: boundedJson(keepSchemaDescription(JSONObjectResolver), maxInputDepth),
      URL: keepSchemaDescription(URLResolver),
      ...ENUM_VALUES,
    },
    nodes,
    platformResolvers,
    dataikuResolvers,
    previstoResolvers,
    previsionResolvers,
    previsionLifecycleResolvers,
    previsionConnectorResolvers,
    previsionPipelineResolvers,
    previsionUploadResolvers,
    civisResolvers,
    subscriptionResolvers,
  );
}
