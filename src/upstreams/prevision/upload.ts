/**
 * Internal to the Prevision client: the `multipart/form-data` body of an upload, as the SDK's `MultipartEncoder`
 * writes it (the fields, then the part `file`), produced as the file's bytes arrive and cut off past a size limit.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** A file to upload: its name and type as the caller gave them, and its bytes as they arrive. */
export interface PrevisionUploadFile {
  filename: string;
  mimeType: string;
  chunks: AsyncIterable<Buffer>;
}

/** Quotes and line breaks would end a part's header early: a name keeps everything else. */
const headerSafe = (v: string): string => v.replace(/["\r\n\\]/g, '_');

export class MultipartUpload {
  private readonly boundary = `augur${randomBytes(12).toString('hex')}`;
  private sent = 0;
  /** Set once the file ran past the limit: the body stream then fails, and the request with it. */
  exceeded = false;

  constructor(
    private readonly fields: Record<string, string>,
    private readonly file: PrevisionUploadFile,
    private readonly maxBytes: number,
  ) {}

  get contentType(): string {
    return `multipart/form-data; boundary=${this.boundary}`;
  }

  /** The body, read once. */
  body(): Readable {
    return Readable.from(this.parts());
  }

  private async *parts(): AsyncGenerator<Buffer> {
    const b = this.boundary;
    for (const [name, value] of Object.entries(this.fields))
      yield Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${headerSafe(name)}"\r\n\r\n${value}\r\n`);
    yield Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${headerSafe(this.file.filename || 'upload')}"\r\n` +
        `Content-Type: ${this.file.mimeType.replace(/[\r\n]/g, '')}\r\n\r\n`,
    );
    for await (const chunk of this.file.chunks) {
      this.sent += chunk.length;
      if (this.sent > this.maxBytes) {
        this.exceeded = true;
        throw new Error('upload limit exceeded');
      }
      yield chunk;
    }
    yield Buffer.from(`\r\n--${b}--\r\n`);
  }
}
