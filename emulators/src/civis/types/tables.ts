/**
 * Civis wire types as the emulator serves them (camelCase JSON, field lists taken from the response schemas of the
 * vendor's published Swagger document): schemas, tables and their columns.
 */
import type { CivisRun } from './common.js';

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
