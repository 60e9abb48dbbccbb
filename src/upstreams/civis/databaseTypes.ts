/** Civis wire types of databases, their schemas, tables and columns (`/databases/`, `/tables/`), and of queries (`/queries/`). */
import type { CivisUserRef, CivisRun } from './types.js';

export interface CivisDatabase {
  id: number;
  name: string;
  adapter: string;
  clusterIdentifier: string | null;
  host: string;
  port: number;
  databaseName: string;
  managed: boolean;
}

export interface CivisSchema {
  schema: string;
}

export interface CivisSchemaTable {
  name: string;
  schema: string;
  isView: boolean;
  databaseId: number;
}

export interface CivisTableTag {
  id: number;
  name: string;
}

export interface CivisTableSummary {
  id: number;
  databaseId: number;
  schema: string;
  name: string;
  description: string | null;
  isView: boolean;
  rowCount: number;
  columnCount: number;
  sizeMb: number | null;
  owner: string;
  distkey: string | null;
  sortkeys: string | null;
  refreshStatus: string;
  lastRefresh: string | null;
  refreshId: string | null;
  lastRun: CivisRun | null;
  tableTags: CivisTableTag[];
}

export interface CivisColumn {
  name: string;
  civisDataType: string;
  sqlType: string;
  sampleValues: string[];
  encoding: string;
  description: string | null;
  order: number;
  minValue: string | null;
  maxValue: string | null;
  avgValue: number | null;
  stddev: number | null;
  valueDistributionPercent: Record<string, number>;
  coverageCount: number;
  nullCount: number;
  possibleDependentVariableTypes: string[];
  useableAsIndependentVariable: boolean;
  useableAsPrimaryKey: boolean;
  valueDistribution: Record<string, number>;
  distinctCount: number;
}

/** `PATCH /tables/{id}`: the summary plus the editable metadata, without columns, joins or definitions. */
export interface CivisTableUpdated extends CivisTableSummary {
  dataUpdatedAt: string | null;
  schemaUpdatedAt: string | null;
  primaryKeys: string[];
  lastModifiedKeys: string[];
  ontologyMapping: Record<string, string>;
}

export interface CivisTableDetail extends CivisTableSummary {
  dataUpdatedAt: string | null;
  schemaUpdatedAt: string | null;
  primaryKeys: string[];
  lastModifiedKeys: string[];
  ontologyMapping: Record<string, string>;
  columns: CivisColumn[];
  joins: unknown[];
  multipartKey: string[];
  enhancements: unknown[];
  viewDef: string | null;
  tableDef: string | null;
  outgoingTableMatches: unknown[];
}

/** `GET /queries/`, `GET /queries/{id}`, `POST /queries/`. */
export interface CivisQuery {
  id: number;
  database: number;
  sql: string;
  credential: number;
  resultRows: string[][] | null;
  resultColumns: string[] | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  state: string;
  scriptId: number | null;
  exception: string | null;
  createdAt: string;
  updatedAt: string;
  lastRunId: number;
  hidden: boolean;
  archived: boolean;
  name: string | null;
  author: CivisUserRef;
  previewRows: number;
  reportId: number | null;
}

/** `POST /queries/` answers the query with the CSV options its result file is written with. */
export interface CivisQueryCreated extends CivisQuery {
  myPermissionLevel: string;
  interactive: boolean;
  includeHeader: boolean;
  compression: string;
  columnDelimiter: string;
  unquoted: boolean;
  filenamePrefix: string | null;
}
