/**
 * Internal to the Prevision emulator: just enough CSV, zip and multipart handling for dataset uploads
 * (`POST /projects/{pid}/datasets/file`) and for the zipped CSV downloads the SDK unpacks with `zip_to_pandas`.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import type { CellValue, DatasetColumn } from './types.js';

/** A part of a `multipart/form-data` body. */
export interface FormPart {
  name: string;
  filename: string | null;
  data: Buffer;
}

/** Splits a multipart body; answers `undefined` when the Content-Type is not multipart or has no boundary. */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] | undefined {
  if (!contentType || !contentType.toLowerCase().startsWith('multipart/form-data')) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m ? (m[1] ?? m[2])!.trim() : '';
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part is CRLF, headers, CRLF CRLF, data, CRLF, then the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
      if (name !== undefined) parts.push({ name, filename, data: part.subarray(headerEnd + 4) });
    }
    pos = next;
  }
  return parts;
}

/** Reads the first file of a zip archive (stored or deflated), as `zip_to_pandas` reads the first entry. */
export function firstZipEntry(zip: Buffer): { name: string; data: Buffer } | undefined {
  if (zip.length < 30 || zip.readUInt32LE(0) !== 0x04034b50) return undefined;
  const flags = zip.readUInt16LE(6);
  const method = zip.readUInt16LE(8);
  let compressedSize = zip.readUInt32LE(18);
  const nameLength = zip.readUInt16LE(26);
  const extraLength = zip.readUInt16LE(28);
  const name = zip.subarray(30, 30 + nameLength).toString('utf8');
  const dataStart = 30 + nameLength + extraLength;
  if (flags & 0x08) {
    // Sizes live in the central directory when a data descriptor is used (streamed writers such as Python's).
    const cd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    if (cd === -1) return undefined;
    compressedSize = zip.readUInt32LE(cd + 20);
  }
  const raw = zip.subarray(dataStart, dataStart + compressedSize);
  if (method === 0) return { name, data: raw };
  if (method === 8) return { name, data: inflateRawSync(raw) };
  return undefined;
}

/** Builds a zip archive holding one stored (uncompressed) file. */
export function zipSingleFile(name: string, data: Buffer, date = new Date(Date.UTC(2022, 0, 1))): Buffer {
  const nameBuf = Buffer.from(name, 'utf8');
  const crc = crc32(data);
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(0, 8);
  local.writeUInt16LE(dosTime, 10);
  local.writeUInt16LE(dosDate, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(0, 10);
  central.writeUInt16LE(dosTime, 12);
  central.writeUInt16LE(dosDate, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  central.writeUInt32LE(0, 42); // local header offset
  const centralOffset = local.length + nameBuf.length + data.length;
  const centralSize = central.length + nameBuf.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBuf, data, central, nameBuf, end]);
}

function splitCsvLine(line: string, separator: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses a CSV with a header line; a column whose non-empty cells are all numbers is numerical. */
export function parseCsv(
  text: string,
  separator = ',',
  decimal = '.',
  maxRows = 5000,
): { columns: DatasetColumn[]; rows: CellValue[][]; totalRows: number } {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return { columns: [], rows: [], totalRows: 0 };
  const names = splitCsvLine(lines[0]!, separator).map((n) => n.trim());
  const cells = lines.slice(1, maxRows + 1).map((l) => splitCsvLine(l, separator));
  const toNumber = (s: string): number => Number(decimal === '.' ? s : s.replace(decimal, '.'));
  const numeric = names.map((_, j) =>
    cells.every((r) => {
      const v = (r[j] ?? '').trim();
      return v === '' || Number.isFinite(toNumber(v));
    }),
  );
  const columns: DatasetColumn[] = names.map((name, j) => ({ name, type: numeric[j] ? 'numerical' : 'categorical' }));
  const rows = cells.map((r) =>
    names.map((_, j): CellValue => {
      const v = (r[j] ?? '').trim();
      if (v === '') return null;
      return numeric[j] ? toNumber(v) : v;
    }),
  );
  return { columns, rows, totalRows: lines.length - 1 };
}

function csvCell(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Formats a header and rows as CSV with `\n` line endings. */
export function formatCsv(header: readonly string[], rows: readonly (readonly CellValue[])[]): string {
  return [header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}
