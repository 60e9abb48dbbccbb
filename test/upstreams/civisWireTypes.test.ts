/**
 * The gateway's Civis wire types (src/upstreams/civis/types.ts and the `*Types.ts` files beside it) and the emulator's
 * own copy must describe the same JSON: the gateway does not import the emulator, so this check, enforced by
 * `npm run typecheck`, keeps the two equal.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type * as Emulator from '@augur/emulators/civis';
import type {
  CivisDatabase,
  CivisSchema,
  CivisSchemaTable,
  CivisTableTag,
  CivisTableSummary,
  CivisColumn,
  CivisTableUpdated,
  CivisTableDetail,
  CivisQuery,
  CivisQueryCreated,
} from '../../src/upstreams/civis/databaseTypes.js';
import type { CivisFileCreated, CivisMultipartFileCreated, CivisFile } from '../../src/upstreams/civis/fileTypes.js';
import type {
  CivisJob,
  CivisJobDetail,
  CivisScript,
  CivisScriptDetail,
  CivisCancelResult,
  CivisImportEndpoint,
  CivisImport,
  CivisImportDetail,
  CivisRunOutput,
  CivisScriptParamWire,
  CivisNotifications,
  CivisReport,
  CivisReportDetail,
} from '../../src/upstreams/civis/jobTypes.js';
import type {
  CivisModelBuild,
  CivisModel,
  CivisModelDetail,
  CivisModelType,
  CivisPrediction,
  CivisPredictionDetail,
} from '../../src/upstreams/civis/modelTypes.js';
import type {
  CivisProjectObjectRef,
  CivisProject,
  CivisProjectDetail,
  CivisProjectFileRef,
} from '../../src/upstreams/civis/projectTypes.js';
import type { CivisErrorBody, CivisUserRef, CivisGroupRef, CivisRun, CivisSchedule } from '../../src/upstreams/civis/types.js';
import type { CivisCredential, CivisUserSummary, CivisUserDetail, CivisMe } from '../../src/upstreams/civis/userTypes.js';

describe('Civis wire types', () => {
  it('are the same in the gateway and in the emulator', () => {
    expectTypeOf<CivisErrorBody>().toEqualTypeOf<Emulator.CivisErrorBody>();
    expectTypeOf<CivisUserRef>().toEqualTypeOf<Emulator.CivisUserRef>();
    expectTypeOf<CivisGroupRef>().toEqualTypeOf<Emulator.CivisGroupRef>();
    expectTypeOf<CivisCredential>().toEqualTypeOf<Emulator.CivisCredential>();
    expectTypeOf<CivisDatabase>().toEqualTypeOf<Emulator.CivisDatabase>();
    expectTypeOf<CivisSchema>().toEqualTypeOf<Emulator.CivisSchema>();
    expectTypeOf<CivisSchemaTable>().toEqualTypeOf<Emulator.CivisSchemaTable>();
    expectTypeOf<CivisRun>().toEqualTypeOf<Emulator.CivisRun>();
    expectTypeOf<CivisTableTag>().toEqualTypeOf<Emulator.CivisTableTag>();
    expectTypeOf<CivisTableSummary>().toEqualTypeOf<Emulator.CivisTableSummary>();
    expectTypeOf<CivisColumn>().toEqualTypeOf<Emulator.CivisColumn>();
    expectTypeOf<CivisTableUpdated>().toEqualTypeOf<Emulator.CivisTableUpdated>();
    expectTypeOf<CivisTableDetail>().toEqualTypeOf<Emulator.CivisTableDetail>();
    expectTypeOf<CivisUserSummary>().toEqualTypeOf<Emulator.CivisUserSummary>();
    expectTypeOf<CivisUserDetail>().toEqualTypeOf<Emulator.CivisUserDetail>();
    expectTypeOf<CivisMe>().toEqualTypeOf<Emulator.CivisMe>();
    expectTypeOf<CivisSchedule>().toEqualTypeOf<Emulator.CivisSchedule>();
    expectTypeOf<CivisJob>().toEqualTypeOf<Emulator.CivisJob>();
    expectTypeOf<CivisJobDetail>().toEqualTypeOf<Emulator.CivisJobDetail>();
    expectTypeOf<CivisScript>().toEqualTypeOf<Emulator.CivisScript>();
    expectTypeOf<CivisScriptDetail>().toEqualTypeOf<Emulator.CivisScriptDetail>();
    expectTypeOf<CivisCancelResult>().toEqualTypeOf<Emulator.CivisCancelResult>();
    expectTypeOf<CivisImportEndpoint>().toEqualTypeOf<Emulator.CivisImportEndpoint>();
    expectTypeOf<CivisImport>().toEqualTypeOf<Emulator.CivisImport>();
    expectTypeOf<CivisImportDetail>().toEqualTypeOf<Emulator.CivisImportDetail>();
    expectTypeOf<CivisModelBuild>().toEqualTypeOf<Emulator.CivisModelBuild>();
    expectTypeOf<CivisModel>().toEqualTypeOf<Emulator.CivisModel>();
    expectTypeOf<CivisModelDetail>().toEqualTypeOf<Emulator.CivisModelDetail>();
    expectTypeOf<CivisModelType>().toEqualTypeOf<Emulator.CivisModelType>();
    expectTypeOf<CivisPrediction>().toEqualTypeOf<Emulator.CivisPrediction>();
    expectTypeOf<CivisPredictionDetail>().toEqualTypeOf<Emulator.CivisPredictionDetail>();
    expectTypeOf<CivisProjectObjectRef>().toEqualTypeOf<Emulator.CivisProjectObjectRef>();
    expectTypeOf<CivisProject>().toEqualTypeOf<Emulator.CivisProject>();
    expectTypeOf<CivisProjectDetail>().toEqualTypeOf<Emulator.CivisProjectDetail>();
    expectTypeOf<CivisFileCreated>().toEqualTypeOf<Emulator.CivisFileCreated>();
    expectTypeOf<CivisMultipartFileCreated>().toEqualTypeOf<Emulator.CivisMultipartFileCreated>();
    expectTypeOf<CivisFile>().toEqualTypeOf<Emulator.CivisFile>();
    expectTypeOf<CivisQuery>().toEqualTypeOf<Emulator.CivisQuery>();
    expectTypeOf<CivisQueryCreated>().toEqualTypeOf<Emulator.CivisQueryCreated>();
    expectTypeOf<CivisRunOutput>().toEqualTypeOf<Emulator.CivisRunOutput>();
    expectTypeOf<CivisScriptParamWire>().toEqualTypeOf<Emulator.CivisScriptParamWire>();
    expectTypeOf<CivisNotifications>().toEqualTypeOf<Emulator.CivisNotifications>();
    expectTypeOf<CivisProjectFileRef>().toEqualTypeOf<Emulator.CivisProjectFileRef>();
    expectTypeOf<CivisReport>().toEqualTypeOf<Emulator.CivisReport>();
    expectTypeOf<CivisReportDetail>().toEqualTypeOf<Emulator.CivisReportDetail>();
  });
});
