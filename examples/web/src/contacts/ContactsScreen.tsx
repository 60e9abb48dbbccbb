/**
 * Scored contacts, 20 a page: forward with `first`/`after`, backward with `last`/`before`, and a search box (a new
 * search starts again at the first page, since cursors are bound to the search they were issued for).
 */
import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../generated/index.js';
import { ErrorNotice } from '../errors/ErrorNotice.js';
import { ContactRow } from './ContactRow.js';

const PAGE_SIZE = 20;

export const ContactsPage = graphql(`
  query WebContactsPage($first: Int, $after: String, $last: Int, $before: String, $search: String) {
    contacts(first: $first, after: $after, last: $last, before: $before, search: $search, orderBy: [{ field: NAME }]) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        cursor
        node {
          id
          ...ContactRow_contact
        }
      }
    }
  }
`);

type Page = { first: number; after?: string } | { last: number; before?: string };

export function ContactsScreen() {
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState<Page>({ first: PAGE_SIZE });
  // Waits for a pause in typing before searching, so each key does not cost an operation.
  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(typed.trim());
      setPage({ first: PAGE_SIZE });
    }, 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ContactsPage,
    variables: { ...page, search: search || undefined },
  });
  const contacts = data?.contacts;
  return (
    <section>
      <h2>Scored contacts</h2>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search name, city, e-mail…"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          aria-label="Search"
        />
        <button
          type="button"
          disabled={!contacts?.pageInfo.hasPreviousPage || fetching}
          onClick={() => setPage({ last: PAGE_SIZE, before: contacts?.pageInfo.startCursor ?? undefined })}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!contacts?.pageInfo.hasNextPage || fetching}
          onClick={() => setPage({ first: PAGE_SIZE, after: contacts?.pageInfo.endCursor ?? undefined })}
        >
          Next
        </button>
        <span data-testid="contacts-total">{contacts ? `${contacts.totalCount} contacts` : fetching ? 'Loading…' : ''}</span>
      </div>
      {error ? <ErrorNotice error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} /> : null}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>City</th>
            <th>Churn model</th>
            <th>Churn probability</th>
          </tr>
        </thead>
        <tbody data-fetching={fetching ? 'true' : 'false'}>
          {contacts?.edges.map((edge) => (
            <ContactRow key={edge.node.id} contact={edge.node} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
