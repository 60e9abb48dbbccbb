/**
 * The content type of a single GraphQL response, for a request's `Accept` header, chosen as Apollo Server chooses it
 * (`chooseContentTypeForSingleResultResponse` in @apollo/server: the same types, the same negotiation) and remembered
 * per header value. Apollo negotiates anew for every request, which was 1.3% of a single prediction's CPU; a content
 * type already on the response is one Apollo keeps.
 */
import Negotiator from 'negotiator';

const APPLICATION_JSON = 'application/json; charset=utf-8';
/** Apollo's MEDIA_TYPES, in the order Apollo offers them. */
const OFFERED = [APPLICATION_JSON, 'application/graphql-response+json; charset=utf-8', 'application/json; callbackSpec=1.0; charset=utf-8'];
/** Distinct headers remembered (clients send few); a longer header is negotiated every time. */
const REMEMBERED = 256;
const LONGEST = 512;

const chosen = new Map<string, string | null>();

/** The type to answer with, or null when the header accepts none of them (Apollo then answers 406). */
export function singleResultContentType(accept: string | undefined): string | null {
  if (!accept) return APPLICATION_JSON;
  let type = chosen.get(accept);
  if (type === undefined) {
    type = new Negotiator({ headers: { accept } }).mediaType(OFFERED) ?? null;
    if (accept.length <= LONGEST) {
      if (chosen.size >= REMEMBERED) chosen.clear();
      chosen.set(accept, type);
    }
  }
  return type;
}
