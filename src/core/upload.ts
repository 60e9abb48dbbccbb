/**
 * A file sent in a GraphQL multipart request (the `Upload` scalar): its name and type are known when the operation
 * runs, its bytes are read from the request as they arrive, once, and never held whole.
 */
export interface FileUpload {
  /** The file name the client gave (may be empty). */
  readonly filename: string;
  /** The part's `Content-Type`, `application/octet-stream` when none was given. */
  readonly mimeType: string;
  /** The file's bytes as they arrive from the client. A file can be read once; a second read throws. */
  chunks(): AsyncIterable<Buffer>;
  /** Whether every byte of the file was read. */
  readonly consumed: boolean;
}

const BRAND = Symbol.for('augur.fileUpload');

/** Marks an object as a {@link FileUpload}, so that the `Upload` scalar accepts it and nothing else. */
export function brandUpload<T extends FileUpload>(upload: T): T {
  Object.defineProperty(upload, BRAND, { value: true });
  return upload;
}

export function isFileUpload(value: unknown): value is FileUpload {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
