/**
 * What Prevision takes as an uploaded file: the `Upload` scalar (a file of a GraphQL multipart request, read as it
 * streams), and the mutations that stream it on to Prevision: datasets and image folders registered from a file, and
 * a file exported through an exporter.
 */
import { GraphQLError, GraphQLScalarType } from 'graphql';
import type { Resolvers } from '../generated/resolvers.js';
import { isFileUpload, type FileUpload } from '../core/upload.js';
import { ErrorCode } from '../core/errors.js';
import type { PrevisionDataset, PrevisionExport, PrevisionImageFolder } from '../upstreams/prevision/types.js';
import { call, created, Problems, refusal } from './previsionWrites.js';
import { payload, pointing } from './userErrors.js';

const NOT_A_FILE =
  'Upload values come from the files of a GraphQL multipart request: send the file as a part and point "map" at this variable.';

/** The `Upload` scalar: a variable only, holding the file the multipart request mapped to it. */
export const UploadScalar = new GraphQLScalarType<FileUpload, never>({
  name: 'Upload',
  parseValue(value) {
    if (!isFileUpload(value)) throw new GraphQLError(NOT_A_FILE);
    return value;
  },
  parseLiteral() {
    throw new GraphQLError(NOT_A_FILE);
  },
  serialize() {
    throw new GraphQLError('An Upload is an input only.');
  },
});

export const previsionUploadResolvers: Resolvers = {
  Upload: UploadScalar,
  Mutation: {
    createPrevisionDatasetFromFile: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const projectId = p.id(ctx, 'input.projectId', input.projectId, 'PrevisionProject');
          p.text('input.name', input.name, true);
          for (const f of ['separator', 'decimal'] as const) {
            const v = input[f];
            if (v != null && (v.length !== 1 || /[\r\n"]/.test(v)))
              p.add(`input.${f}`, `input.${f} must be one character, got ${JSON.stringify(v)}.`);
          }
          p.throwIfAny();
          const fields: Record<string, string> = { name: input.name };
          if (input.separator != null) fields['separator'] = input.separator;
          if (input.decimal != null) fields['decimal'] = input.decimal;
          const file = input.file;
          return created<PrevisionDataset>('dataset')(
            await pointing(
              () =>
                ctx.services.prevision.uploadDataset<PrevisionDataset>(
                  call(ctx),
                  projectId!,
                  fields,
                  { filename: file.filename, mimeType: file.mimeType, chunks: file.chunks() },
                  ctx.services.config.limits.maxUploadBytes,
                ),
              // A 404 is the project; a 400 is the file (empty, unreadable) unless Prevision names a field.
              (e) =>
                refusal('input.projectId', [
                  ['input.name', 'name'],
                  ['input.separator', 'separator'],
                  ['input.decimal', 'decimal'],
                ])(e) ?? 'input.file',
            ),
          );
        },
        (dataset): { dataset: PrevisionDataset | null } => ({ dataset }),
        { dataset: null },
      ),
    createPrevisionImageFolderFromFile: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const projectId = p.id(ctx, 'input.projectId', input.projectId, 'PrevisionProject');
          p.text('input.name', input.name, true);
          p.throwIfAny();
          const file = input.file;
          return created<PrevisionImageFolder>('image folder')(
            await pointing(
              () =>
                ctx.services.prevision.uploadImageFolder<PrevisionImageFolder>(
                  call(ctx),
                  projectId!,
                  input.name,
                  { filename: file.filename || input.name, mimeType: file.mimeType, chunks: file.chunks() },
                  ctx.services.config.limits.maxUploadBytes,
                ),
              // A 404 is the project; a 400 the file (not a zip) unless Prevision names the name.
              (e) => refusal('input.projectId', [['input.name', 'name']])(e) ?? 'input.file',
            ),
          );
        },
        (imageFolder): { imageFolder: PrevisionImageFolder | null } => ({ imageFolder }),
        { imageFolder: null },
      ),
    startPrevisionExportFromFile: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const exporterId = p.id(ctx, 'input.exporterId', input.exporterId, 'PrevisionExporter');
          p.throwIfAny();
          const file = input.file;
          return created<PrevisionExport>('export')(
            await pointing(
              () =>
                ctx.services.prevision.uploadExport<PrevisionExport>(
                  call(ctx),
                  exporterId!,
                  { filename: file.filename, mimeType: file.mimeType, chunks: file.chunks() },
                  ctx.services.config.limits.maxUploadBytes,
                ),
              // A 404 is the exporter; a 400 is the file.
              (e) => (e.code === ErrorCode.NOT_FOUND ? 'input.exporterId' : 'input.file'),
            ),
          );
        },
        (exp): { export: PrevisionExport | null } => ({ export: exp }),
        { export: null },
      ),
  },
};
