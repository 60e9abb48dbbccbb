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
    "\n  query ScoredContacts($first: Int!) {\n    contacts(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          address {\n            city\n          }\n          predict(endpointName: \"churn\") {\n            ignored\n            result {\n              __typename\n              ... on ClassificationResult {\n                predictedClass\n                probabilities {\n                  label\n                  probability\n                }\n              }\n              ... on RegressionResult {\n                predictedValue\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ScoredContactsDocument,
    "\n  query SalesForecast($history: [JSONObject!]!) {\n    forecast(endpointName: \"sales-forecast\", records: $history) {\n      time\n      value\n      timeseriesIdentifier\n      quantiles {\n        level\n        value\n      }\n    }\n  }\n": typeof types.SalesForecastDocument,
    "\n  query ContactsForward($first: Int!, $after: String) {\n    contacts(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.ContactsForwardDocument,
    "\n  query ContactsBackward($last: Int!, $before: String) {\n    contacts(last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.ContactsBackwardDocument,
    "\n  mutation CreateContact($input: CreateContactInput!) {\n    createContact(input: $input) {\n      contact {\n        id\n        platformId\n        name\n        address {\n          city\n        }\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": typeof types.CreateContactDocument,
    "\n  mutation DeleteContact($input: DeleteContactInput!) {\n    deleteContact(input: $input) {\n      deletedContactId\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": typeof types.DeleteContactDocument,
    "\n  mutation RunCivisJob($input: RunCivisJobInput!) {\n    runCivisJob(input: $input) {\n      run {\n        ...CivisRunFields\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": typeof types.RunCivisJobDocument,
    "\n  fragment CivisRunFields on CivisJobRun {\n    id\n    platformId\n    state\n    startedAt\n    finishedAt\n    error\n  }\n": typeof types.CivisRunFieldsFragmentDoc,
    "\n  subscription WatchCivisRun($id: ID!) {\n    civisJobRun(id: $id) {\n      ...CivisRunFields\n    }\n  }\n": typeof types.WatchCivisRunDocument,
};
const documents: Documents = {
    "\n  query ScoredContacts($first: Int!) {\n    contacts(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          address {\n            city\n          }\n          predict(endpointName: \"churn\") {\n            ignored\n            result {\n              __typename\n              ... on ClassificationResult {\n                predictedClass\n                probabilities {\n                  label\n                  probability\n                }\n              }\n              ... on RegressionResult {\n                predictedValue\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ScoredContactsDocument,
    "\n  query SalesForecast($history: [JSONObject!]!) {\n    forecast(endpointName: \"sales-forecast\", records: $history) {\n      time\n      value\n      timeseriesIdentifier\n      quantiles {\n        level\n        value\n      }\n    }\n  }\n": types.SalesForecastDocument,
    "\n  query ContactsForward($first: Int!, $after: String) {\n    contacts(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.ContactsForwardDocument,
    "\n  query ContactsBackward($last: Int!, $before: String) {\n    contacts(last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.ContactsBackwardDocument,
    "\n  mutation CreateContact($input: CreateContactInput!) {\n    createContact(input: $input) {\n      contact {\n        id\n        platformId\n        name\n        address {\n          city\n        }\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": types.CreateContactDocument,
    "\n  mutation DeleteContact($input: DeleteContactInput!) {\n    deleteContact(input: $input) {\n      deletedContactId\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": types.DeleteContactDocument,
    "\n  mutation RunCivisJob($input: RunCivisJobInput!) {\n    runCivisJob(input: $input) {\n      run {\n        ...CivisRunFields\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": types.RunCivisJobDocument,
    "\n  fragment CivisRunFields on CivisJobRun {\n    id\n    platformId\n    state\n    startedAt\n    finishedAt\n    error\n  }\n": types.CivisRunFieldsFragmentDoc,
    "\n  subscription WatchCivisRun($id: ID!) {\n    civisJobRun(id: $id) {\n      ...CivisRunFields\n    }\n  }\n": types.WatchCivisRunDocument,
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
export function graphql(source: "\n  query ScoredContacts($first: Int!) {\n    contacts(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          address {\n            city\n          }\n          predict(endpointName: \"churn\") {\n            ignored\n            result {\n              __typename\n              ... on ClassificationResult {\n                predictedClass\n                probabilities {\n                  label\n                  probability\n                }\n              }\n              ... on RegressionResult {\n                predictedValue\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ScoredContacts($first: Int!) {\n    contacts(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          address {\n            city\n          }\n          predict(endpointName: \"churn\") {\n            ignored\n            result {\n              __typename\n              ... on ClassificationResult {\n                predictedClass\n                probabilities {\n                  label\n                  probability\n                }\n              }\n              ... on RegressionResult {\n                predictedValue\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SalesForecast($history: [JSONObject!]!) {\n    forecast(endpointName: \"sales-forecast\", records: $history) {\n      time\n      value\n      timeseriesIdentifier\n      quantiles {\n        level\n        value\n      }\n    }\n  }\n"): (typeof documents)["\n  query SalesForecast($history: [JSONObject!]!) {\n    forecast(endpointName: \"sales-forecast\", records: $history) {\n      time\n      value\n      timeseriesIdentifier\n      quantiles {\n        level\n        value\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContactsForward($first: Int!, $after: String) {\n    contacts(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ContactsForward($first: Int!, $after: String) {\n    contacts(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContactsBackward($last: Int!, $before: String) {\n    contacts(last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ContactsBackward($last: Int!, $before: String) {\n    contacts(last: $last, before: $before) {\n      edges {\n        cursor\n        node {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateContact($input: CreateContactInput!) {\n    createContact(input: $input) {\n      contact {\n        id\n        platformId\n        name\n        address {\n          city\n        }\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateContact($input: CreateContactInput!) {\n    createContact(input: $input) {\n      contact {\n        id\n        platformId\n        name\n        address {\n          city\n        }\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteContact($input: DeleteContactInput!) {\n    deleteContact(input: $input) {\n      deletedContactId\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteContact($input: DeleteContactInput!) {\n    deleteContact(input: $input) {\n      deletedContactId\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunCivisJob($input: RunCivisJobInput!) {\n    runCivisJob(input: $input) {\n      run {\n        ...CivisRunFields\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RunCivisJob($input: RunCivisJobInput!) {\n    runCivisJob(input: $input) {\n      run {\n        ...CivisRunFields\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CivisRunFields on CivisJobRun {\n    id\n    platformId\n    state\n    startedAt\n    finishedAt\n    error\n  }\n"): (typeof documents)["\n  fragment CivisRunFields on CivisJobRun {\n    id\n    platformId\n    state\n    startedAt\n    finishedAt\n    error\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchCivisRun($id: ID!) {\n    civisJobRun(id: $id) {\n      ...CivisRunFields\n    }\n  }\n"): (typeof documents)["\n  subscription WatchCivisRun($id: ID!) {\n    civisJobRun(id: $id) {\n      ...CivisRunFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;