/**
 * Internal to the HTTP layer: GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec)
 * read as a stream. The `operations` and `map` fields are read first (bounded like a JSON body); the one file the
 * request may carry is then handed to the operation as a {@link FileUpload} whose bytes are read from the socket only
 * as the resolver consumes them. Nothing buffers the file whole.
 */
import type { IncomingMessage } from 'node:http';
import { brandUpload, type FileUpload } from '../core/upload.js';

/** Longest header block of one part. */
const MAX_PART_HEADER_BYTES = 16 * 1024;

/** Why a multipart request is refused before it runs: the message names what was expected. */
export class MultipartError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** The boundary of a `multipart/form-data` content type, or undefined when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Reads an async byte stream with look-ahead, for delimiter searches across chunk edges. */
class ChunkReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value]);
    return true;
  }

  /** The bytes before `delim` (consumed with it), at most `max` of them. */
  async until(delim: Buffer, max: number, what: string): Promise<Buffer> {
    let from = 0;
    for (;;) {
      const at = this.buf.indexOf(delim, from);
      if (at !== -1) {
        const out = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + delim.length);
        return out;
      }
      if (this.buf.length > max + delim.length) throw new MultipartError(`The multipart ${what} is longer than ${max} bytes.`, 413);
      from = Math.max(0, this.buf.length - delim.length + 1);
      if (!(await this.more())) throw new MultipartError(`The multipart body ended inside its ${what}.`);
    }
  }

  /** The bytes before `delim` as they arrive (the delimiter consumed at the end); `delim` may straddle chunks. */
  async *streamUntil(delim: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const at = this.buf.indexOf(delim);
      if (at !== -1) {
        if (at > 0) yield this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + delim.length);
        return;
      }
      // Keep what could be the start of the delimiter; hand over the rest.
      const safe = this.buf.length - (delim.length - 1);
      if (safe > 0) {
        const out = this.buf.subarray(0, safe);
        this.buf = this.buf.subarray(safe);
        yield out;
      }
      if (!(await this.more())) throw new MultipartError('The multipart body ended inside its file.');
    }
  }

  async take(n: number): Promise<Buffer> {
    while (this.buf.length < n) if (!(await this.more())) throw new MultipartError('The multipart body ended too early.');
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
}

interface PartHead {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
}

function parseHead(raw: Buffer): PartHead {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of raw.toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(value)?.[1];
      filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(value)?.[1];
    } else if (key === 'content-type') contentType = value;
  }
  if (name === undefined) throw new MultipartError('A multipart part has no Content-Disposition name.');
  return { name, filename, contentType };
}

/** A parsed GraphQL multipart request: its operation, with the file put where `map` said, and the file itself. */
export interface MultipartOperation {
  /** The `operations` field, parsed, with the upload in place. */
  body: Record<string, unknown>;
  upload: FileUpload | undefined;
}

/** Puts `value` at `path` (`variables.input.file`) in `target`; false when the path does not lead anywhere. */
function place(target: Record<string, unknown>, path: string, value: unknown): boolean {
  const keys = path.split('.');
  let at: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof at !== 'object' || at === null) return false;
    at = (at as Record<string, unknown>)[key];
  }
  const last = keys[keys.length - 1]!;
  if (typeof at !== 'object' || at === null || !Object.hasOwn(at, last)) return false;
  (at as Record<string, unknown>)[last] = value;
  return true;
}

/**
 * Reads a GraphQL multipart request up to its file: `operations` and `map` (together at most `maxFieldBytes`), then
 * the file part's headers. At most one file: a request mapping more is refused. The file's bytes are left on the
 * socket for the resolver.
 */
export async function readMultipartOperation(req: IncomingMessage, boundary: string, maxFieldBytes: number): Promise<MultipartOperation> {
  const reader = new ChunkReader((req as AsyncIterable<Buffer>)[Symbol.asyncIterator]());
  const dash = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  await reader.until(dash, maxFieldBytes, 'preamble');
  let budget = maxFieldBytes;
  const fields = new Map<string, string>();
  let fileHead: PartHead | undefined;
  for (;;) {
    const after = (await reader.take(2)).toString('latin1');
    if (after === '--') break;
    if (after !== '\r\n') throw new MultipartError('Malformed multipart body: expected a line break after the boundary.');
    const head = parseHead(await reader.until(Buffer.from('\r\n\r\n'), MAX_PART_HEADER_BYTES, 'part headers'));
    if (head.name === 'operations' || head.name === 'map') {
      if (fileHead) throw new MultipartError('The "operations" and "map" fields must come before the file.');
      const value = await reader.until(delimiter, budget, '"operations" and "map" fields');
      budget -= value.length;
      fields.set(head.name, value.toString('utf8'));
      continue;
    }
    fileHead = head;
    break;
  }
  const operationsText = fields.get('operations');
  const mapText = fields.get('map');
  if (operationsText === undefined || mapText === undefined)
    throw new MultipartError('A GraphQL multipart request starts with the fields "operations" and then "map", before any file.');
  let body: unknown;
  let map: unknown;
  try {
    body = JSON.parse(operationsText);
    map = JSON.parse(mapText);
  } catch {
    throw new MultipartError('The "operations" and "map" fields must be JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new MultipartError('"operations" must be one operation, a JSON object; batches are not accepted.');
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new MultipartError('"map" must be a JSON object from file field names to lists of operation paths.');
  const entries = Object.entries(map as Record<string, unknown>);
  if (entries.length === 0) {
    if (fileHead) throw new MultipartError(`The file field "${fileHead.name}" is not in "map".`);
    return { body: body as Record<string, unknown>, upload: undefined };
  }
  if (entries.length > 1) throw new MultipartError('A request may carry one file; send each file in a request of its own.');
  const [fieldName, paths] = entries[0]!;
  if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string' || !paths[0].startsWith('variables.'))
    throw new MultipartError(`"map" must send the file to one path under "variables", e.g. {"${fieldName}": ["variables.input.file"]}.`);
  if (!fileHead || fileHead.name !== fieldName)
    throw new MultipartError(`Expected the file part "${fieldName}" right after "map", got ${fileHead ? `"${fileHead.name}"` : 'none'}.`);
  let consumed = false;
  let opened = false;
  const upload = brandUpload({
    filename: fileHead.filename ?? '',
    mimeType: fileHead.contentType ?? 'application/octet-stream',
    get consumed() {
      return consumed;
    },
    chunks(): AsyncIterable<Buffer> {
      if (opened) throw new MultipartError('The uploaded file was already read.');
      opened = true;
      return (async function* () {
        yield* reader.streamUntil(delimiter);
        consumed = true;
      })();
    },
    toJSON: () => ({ upload: fileHead.filename ?? '' }),
  });
  if (!place(body as Record<string, unknown>, paths[0].slice(0), upload))
    throw new MultipartError(`"map" names ${paths[0]}, which the operation's variables do not hold (set it to null there).`);
  return { body: body as Record<string, unknown>, upload };
}
