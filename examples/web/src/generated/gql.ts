/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query WebCivisJobs {\n    civis {\n      jobs(first: 10) {\n        nodes {\n          id\n          platformId\n          name\n          type\n          state\n        }\n      }\n    }\n  }\n": typeof types.WebCivisJobsDocument,
    "\n  mutation WebRunCivisJob($job: ID!) {\n    runCivisJob(input: { jobId: $job }) {\n      run {\n        id\n        ...RunStatus_run\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": typeof types.WebRunCivisJobDocument,
    "\n  fragment RunStatus_run on CivisJobRun {\n    platformId\n    state\n    startedAt\n    finishedAt\n    error\n  }\n": typeof types.RunStatus_RunFragmentDoc,
    "\n  subscription WebWatchCivisRun($id: ID!) {\n    civisJobRun(id: $id) {\n      id\n      ...RunStatus_run\n    }\n  }\n": typeof types.WebWatchCivisRunDocument,
    "\n  fragment ContactRow_contact on Contact {\n    name\n    email\n    address {\n      city\n    }\n    predict(endpointName: \"churn\") {\n      ignored\n      result {\n        ... on ClassificationResult {\n          predictedClass\n          probabilities {\n            label\n            probability\n          }\n        }\n      }\n    }\n  }\n": typeof types.ContactRow_ContactFragmentDoc,
    "\n  query WebContactsPage($first: Int, $after: String, $last: Int, $before: String, $search: String) {\n    contacts(first: $first, after: $after, last: $last, before: $before, search: $search, orderBy: [{ field: NAME }]) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...ContactRow_contact\n        }\n      }\n    }\n  }\n": typeof types.WebContactsPageDocument,
    "\n  query WebStoreForecast($history: [JSONObject!]!) {\n    forecast(endpointName: \"sales-forecast\", records: $history) {\n      time\n      value\n      timeseriesIdentifier\n      quantiles {\n        level\n        value\n      }\n    }\n  }\n": typeof types.WebStoreForecastDocument,
};
const documents: Documents = {
    "\n  query WebCivisJobs {\n    civis {\n      jobs(first: 10) {\n        nodes {\n          id\n          platformId\n          name\n          type\n          state\n        }\n      }\n    }\n  }\n": types.WebCivisJobsDocument,
    "\n  mutation WebRunCivisJob($job: ID!) {\n    runCivisJob(input: { jobId: $job }) {\n      run {\n        id\n        ...RunStatus_run\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": types.WebRunCivisJobDocument,
    "\n  fragment RunStatus_run on CivisJobRun {\n    platformId\n    state\n    startedAt\n    finishedAt\n    error\n  }\n": types.RunStatus_RunFragmentDoc,
    "\n  subscription WebWatchCivisRun($id: ID!) {\n    civisJobRun(id: $id) {\n      id\n      ...RunStatus_run\n    }\n  }\n": types.WebWatchCivisRunDocument,
    "\n  fragment ContactRow_contact on Contact {\n    name\n    email\n    address {\n      city\n    }\n    predict(endpointName: \"churn\") {\n      ignored\n      result {\n        ... on ClassificationResult {\n          predictedClass\n          probabilities {\n            label\n            probability\n          }\n        }\n      }\n    }\n  }\n": types.ContactRow_ContactFragmentDoc,
    "\n  query WebContactsPage($first: Int, $after: String, $last: Int, $before: String, $search: String) {\n    contacts(first: $first, after: $after, last: $last, before: $before, search: $search, orderBy: [{ field: NAME }]) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...ContactRow_contact\n        }\n      }\n    }\n  }\n": types.WebContactsPageDocument,
    "\n  query WebStoreForecast($history: [JSONObject!]!) {\n    forecast(endpointName: \"sales-forecast\", records: $history) {\n      time\n      value\n      timeseriesIdentifier\n      quantiles {\n        level\n        value\n      }\n    }\n  }\n": types.WebStoreForecastDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebCivisJobs {\n    civis {\n      jobs(first: 10) {\n        nodes {\n          id\n          platformId\n          name\n          type\n          state\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebCivisJobs {\n    civis {\n      jobs(first: 10) {\n        nodes {\n          id\n          platformId\n          name\n          type\n          state\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebRunCivisJob($job: ID!) {\n    runCivisJob(input: { jobId: $job }) {\n      run {\n        id\n        ...RunStatus_run\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation WebRunCivisJob($job: ID!) {\n    runCivisJob(input: { jobId: $job }) {\n      run {\n        id\n        ...RunStatus_run\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RunStatus_run on CivisJobRun {\n    platformId\n    state\n    startedAt\n    finishedAt\n    error\n  }\n"): (typeof documents)["\n  fragment RunStatus_run on CivisJobRun {\n    platformId\n    state\n    startedAt\n    finishedAt\n    error\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WebWatchCivisRun($id: ID!) {\n    civisJobRun(id: $id) {\n      id\n      ...RunStatus_run\n    }\n  }\n"): (typeof documents)["\n  subscription WebWatchCivisRun($id: ID!) {\n    civisJobRun(id: $id) {\n      id\n      ...RunStatus_run\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ContactRow_contact on Contact {\n    name\n    email\n    address {\n      city\n    }\n    predict(endpointName: \"churn\") {\n      ignored\n      result {\n        ... on ClassificationResult {\n          predictedClass\n          probabilities {\n            label\n            probability\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment ContactRow_contact on Contact {\n    name\n    email\n    address {\n      city\n    }\n    predict(endpointName: \"churn\") {\n      ignored\n      result {\n        ... on ClassificationResult {\n          predictedClass\n          probabilities {\n            label\n            probability\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebContactsPage($first: Int, $after: String, $last: Int, $before: String, $search: String) {\n    contacts(first: $first, after: $after, last: $last, before: $before, search: $search, orderBy: [{ field: NAME }]) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...ContactRow_contact\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebContactsPage($first: Int, $after: String, $last: Int, $before: String, $search: String) {\n    contacts(first: $first, after: $after, last: $last, before: $before, search: $search, orderBy: [{ field: NAME }]) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...ContactRow_contact\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebStoreForecast($history: [JSONObject!]!) {\n    forecast(endpointName: \"sales-forecast\", records: $history) {\n      time\n      value\n      timeseriesIdentifier\n      quantiles {\n        level\n        value\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebStoreForecast($history: [JSONObject!]!) {\n    forecast(endpointName: \"sales-forecast\", records: $history) {\n      time\n      value\n      timeseriesIdentifier\n      quantiles {\n        level\n        value\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;