/**
 * Internal to the Civis emulator: the files routes and the S3-style upload and download URLs they hand out.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { notFound, paginate, qBool, qIntList, qString, type PageSpec } from '../query.js';
import {
  type CivisRoute,
  type RouteContext,
  FILES_PAGE,
  ok,
  pathId,
  body,
  origin,
  P,
  AUTHOR,
  FILE_BODY,
  MULTIPART_FILE_BODY,
} from './kit.js';

/** Largest single-POST upload body: a 50 MiB file plus its form fields. */
const SINGLE_UPLOAD_MAX_BYTES = 64 * 2 ** 20;
/** Largest multipart part the emulator takes (held in memory). */
const PART_MAX_BYTES = 2 ** 30;

/** The files routes and the S3-style upload and download URLs they hand out, in matching order. */
export function fileRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  return [
    // -------------------------------------------------------------- files
    {
      method: 'GET',
      path: '/files/',
      handler: (req) => {
        const s = store();
        const callerId = me(req);
        const o = origin(req);
        const authors = qIntList(req.query, 'author');
        const out = [];
        for (const f of s.files.values()) if (!authors || authors.includes(f.authorId)) out.push(s.fileWire(f, o, callerId));
        return paginate(req.query, out, FILES_PAGE);
      },
      doc: {
        summary: 'List files',
        query: [AUTHOR],
        page: FILES_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.files.values()].map((f) => s.fileWire(f, 'http://127.0.0.1', f.authorId)),
      },
    },
    {
      method: 'POST',
      path: '/files/',
      handler: (req) => ok(store().createFile(me(req), body(req), origin(req)), 201),
      doc: {
        summary: 'Initiate an upload of a file into the platform',
        body: { properties: FILE_BODY, required: ['name'] },
        status: 201,
        sample: () => [
          {
            id: 8005,
            name: 'upload.csv',
            createdAt: '2026-01-05T09:00:00.000Z',
            fileSize: 0,
            expiresAt: '2026-02-04T09:00:00.000Z',
            description: 'x',
            uploadUrl: 'http://127.0.0.1/files/8005/upload',
            uploadFields: {},
            myPermissionLevel: 'manage',
          },
        ],
      },
    },
    {
      method: 'POST',
      path: '/files/multipart',
      handler: (req) => ok(store().createMultipartFile(me(req), body(req), origin(req)), 201),
      doc: {
        summary: 'Initiate a multipart upload',
        body: { properties: MULTIPART_FILE_BODY, required: ['name', 'numParts'] },
        status: 201,
        sample: () => [
          {
            id: 8006,
            name: 'large.csv',
            createdAt: '2026-01-05T09:00:00.000Z',
            fileSize: 0,
            expiresAt: '2026-02-04T09:00:00.000Z',
            description: 'x',
            uploadUrls: ['http://127.0.0.1/files/8006/parts/1?uploadId=x', 'http://127.0.0.1/files/8006/parts/2?uploadId=x'],
          },
        ],
      },
    },
    {
      method: 'POST',
      path: '/files/multipart/{id}/complete',
      handler: (req) => {
        store().completeMultipart(me(req), pathId(req));
        return { status: 204 };
      },
      doc: { summary: 'Complete a multipart upload', status: 204 },
    },
    {
      method: 'GET',
      path: '/files/{id}',
      handler: (req) => {
        qString(req.query, 'link_expires_at');
        qBool(req.query, 'inline');
        const s = store();
        return ok(s.fileWire(s.file(pathId(req)), origin(req), me(req)));
      },
      doc: {
        summary: 'Get details about a file',
        query: [
          P.str(
            'link_expires_at',
            'The date and time the download link will expire. Must be a time between now and 36 hours from now. Defaults to 30 minutes from now.',
          ),
          P.bool('inline', 'If true, will return a url that can be displayed inline in HTML'),
        ],
        status: 200,
        sample: (s) => [...s.files.values()].map((f) => s.fileWire(f, 'http://127.0.0.1', f.authorId)),
      },
    },
    {
      method: 'PUT',
      path: '/files/{id}',
      handler: (req) => ok(store().updateFile(me(req), pathId(req), body(req), true, origin(req))),
      doc: {
        summary: 'Update details about a file',
        body: { properties: FILE_BODY, required: ['name', 'expiresAt'] },
        status: 200,
        sample: (s) => [...s.files.values()].map((f) => s.fileWire(f, 'http://127.0.0.1', f.authorId)),
      },
    },
    {
      method: 'PATCH',
      path: '/files/{id}',
      handler: (req) => ok(store().updateFile(me(req), pathId(req), body(req), false, origin(req))),
      doc: {
        summary: 'Update details about a file',
        body: { properties: FILE_BODY },
        status: 200,
        sample: (s) => [...s.files.values()].map((f) => s.fileWire(f, 'http://127.0.0.1', f.authorId)),
      },
    },
    {
      method: 'POST',
      path: '/files/{id}/upload',
      public: true,
      external: true,
      // civis-python uploads files up to 50 MiB in one form POST; the form's fields come on top.
      maxBodyBytes: SINGLE_UPLOAD_MAX_BYTES,
      handler: (req) => {
        store().uploadFile(pathId(req), extractFilePart(req.rawBody, req.headers['content-type']));
        return { status: 204 };
      },
    },
    {
      // A part URL of `POST /files/multipart`: S3's UploadPart answer is an empty 200 with the part's ETag.
      method: 'PUT',
      path: '/files/{id}/parts/{part_num}',
      public: true,
      // civis-python cuts parts of sqrt(5 MiB x file size): over 50 MiB for files past 500 MiB. Parts are held in
      // memory, so the emulator takes parts up to 1 GiB (files up to about 200 GiB), not S3's 5 GiB.
      maxBodyBytes: PART_MAX_BYTES,
      external: true,
      handler: (req) => {
        const etag = store().uploadPart(pathId(req), pathId(req, 'part_num'), req.query.get('uploadId') ?? '', req.rawBody);
        return { status: 200, headers: { ETag: `"${etag}"` } };
      },
    },
    {
      method: 'GET',
      path: '/files/{id}/download',
      public: true,
      external: true,
      handler: (req) => {
        const f = store().file(pathId(req));
        if (!f.content) throw notFound();
        return { status: 200, headers: { 'content-type': contentTypeOf(f.name) }, body: f.content };
      },
    },
  ];
}

function contentTypeOf(name: string): string {
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.html')) return 'text/html';
  return 'application/octet-stream';
}

/**
 * The bytes of the `file` field of an S3-style multipart POST (the upload URL `POST /files/` hands out); a body
 * that is not multipart is taken whole.
 */
export function extractFilePart(raw: Buffer, contentType: string | undefined): Buffer {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!m || !/^multipart\//i.test(contentType ?? '')) return raw;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  let pos = raw.indexOf(boundary);
  while (pos !== -1) {
    const next = raw.indexOf(boundary, pos + boundary.length);
    if (next === -1) break;
    const part = raw.subarray(pos + boundary.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1 && /name="file"/i.test(part.subarray(0, headerEnd).toString('utf8'))) return part.subarray(headerEnd + 4);
    pos = next;
  }
  return raw;
}
