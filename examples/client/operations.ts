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
          city
          predict(endpoint: "churn") {
            prediction
            probabilities {
              label
              probability
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
    forecast(endpoint: "sales-forecast", records: $history) {
      time
      forecast
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
      id
      previstoId
      name
      city
    }
  }
`);

export const DeleteContact = graphql(`
  mutation DeleteContact($id: ID!) {
    deleteContact(id: $id) {
      deletedId
    }
  }
`);
