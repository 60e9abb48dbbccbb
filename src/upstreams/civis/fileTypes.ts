/** Civis wire types of files (`/files/`): a file, and the answers that start a plain or multipart upload. */
import type { CivisUserRef } from './types.js';

/** `POST /files/` answer. */
export interface CivisFileCreated {
  id: number;
  name: string;
  createdAt: string;
  /** 0 until the upload lands. */
  fileSize: number;
  expiresAt: string | null;
  description: string | null;
  uploadUrl: string;
  uploadFields: Record<string, string>;
  myPermissionLevel: string;
}

/** `POST /files/multipart`: the file record plus one presigned-style part URL per part, in part order. */
export interface CivisMultipartFileCreated {
  id: number;
  name: string;
  createdAt: string;
  /** 0 until the upload is completed. */
  fileSize: number;
  expiresAt: string | null;
  description: string | null;
  /** `PUT` each part's bytes to its URL (no auth), then `POST /files/multipart/{id}/complete`. */
  uploadUrls: string[];
}

/** `GET /files/{id}`, `PUT` and `PATCH /files/{id}`. */
export interface CivisFile {
  id: number;
  name: string;
  createdAt: string;
  /** 0 while the file has no content. */
  fileSize: number;
  /** `null`: kept indefinitely. */
  expiresAt: string | null;
  description: string | null;
  author: CivisUserRef;
  /** A presigned-style URL that needs no auth; `null` while the file has no content. */
  downloadUrl: string | null;
  /** The same URL as `downloadUrl` (civis-python downloads through this one, without auth). */
  fileUrl: string | null;
  detectedInfo: {
    includeHeader: boolean | null;
    columnDelimiter: string | null;
    compression: string | null;
    tableColumns: Array<{ name: string; sqlType: string }>;
  };
  myPermissionLevel: string;
}
