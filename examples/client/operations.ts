/**
 * The operations this consumer runs. `npm run codegen` reads every `graphql(...)` call under `examples/client` and
 * generates `./generated`: a typed document node per operation, with its result and variables types.
 */
import { graphql } from './generated/index.js';

/** A few contacts, each scored by the Dataiku `churn` model: one contact list and one batched prediction upstream. */
export const ScoredContacts = graphql(`
  query ScoredContacts($first: Int!) {
    contacts(first: $first) {
      totalCount
      edges {
        node {
          id
          name
          address {
            city
          }
          predict(endpointName: "churn") {
            ignored
            result {
              __typename
              ... on ClassificationResult {
                predictedClass
                probabilities {
                  label
                  probability
                }
              }
              ... on RegressionResult {
                predictedValue
              }
            }
          }
        }
      }
    }
  }
`);

/** The next steps of each time series in `history`. */
export const SalesForecast = graphql(`
  query SalesForecast($history: [JSONObject!]!) {
    forecast(endpointName: "sales-forecast", records: $history) {
      time
      value
      timeseriesIdentifier
      quantiles {
        level
        value
      }
    }
  }
`);

/** A page of contacts going forward. */
export const ContactsForward = graphql(`
  query ContactsForward($first: Int!, $after: String) {
    contacts(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          name
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`);

/** A page of contacts going backward. */
export const ContactsBackward = graphql(`
  query ContactsBackward($last: Int!, $before: String) {
    contacts(last: $last, before: $before) {
      edges {
        cursor
        node {
          id
          name
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`);

export const CreateContact = graphql(`
  mutation CreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      contact {
        id
        platformId
        name
        address {
          city
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const DeleteContact = graphql(`
  mutation DeleteContact($input: DeleteContactInput!) {
    deleteContact(input: $input) {
      deletedContactId
      userErrors {
        field
        code
        message
      }
    }
  }
`);

/** Starts a run of a Civis job (a job, script or import, by global id). */
export const RunCivisJob = graphql(`
  mutation RunCivisJob($input: RunCivisJobInput!) {
    runCivisJob(input: $input) {
      run {
        ...CivisRunFields
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

/** What the mutation and the subscription both read of a run: one fragment serves both. */
export const CivisRunFields = graphql(`
  fragment CivisRunFields on CivisJobRun {
    id
    platformId
    state
    startedAt
    finishedAt
    error
  }
`);

/** Watches the run live (docs/live.md): the run at once, then each change, completing once it has finished. */
export const WatchCivisRun = graphql(`
  subscription WatchCivisRun($id: ID!) {
    civisJobRun(id: $id) {
      ...CivisRunFields
    }
  }
`);
