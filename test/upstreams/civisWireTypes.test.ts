/**
 * The gateway's Civis wire types (src/upstreams/civis/types.ts) and the emulator's own copy must describe the same
 * JSON: the gateway does not import the emulator, so this check, enforced by `npm run typecheck`, keeps the two equal.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type * as Emulator from '@augur/emulators/civis';
import type * as Gateway from '../../src/upstreams/civis/types.js';

describe('Civis wire types', () => {
  it('are the same in the gateway and in the emulator', () => {
    expectTypeOf<Gateway.CivisErrorBody>().toEqualTypeOf<Emulator.CivisErrorBody>();
    expectTypeOf<Gateway.CivisUserRef>().toEqualTypeOf<Emulator.CivisUserRef>();
    expectTypeOf<Gateway.CivisGroupRef>().toEqualTypeOf<Emulator.CivisGroupRef>();
    expectTypeOf<Gateway.CivisCredential>().toEqualTypeOf<Emulator.CivisCredential>();
    expectTypeOf<Gateway.CivisDatabase>().toEqualTypeOf<Emulator.CivisDatabase>();
    expectTypeOf<Gateway.CivisSchema>().toEqualTypeOf<Emulator.CivisSchema>();
    expectTypeOf<Gateway.CivisSchemaTable>().toEqualTypeOf<Emulator.CivisSchemaTable>();
    expectTypeOf<Gateway.CivisRun>().toEqualTypeOf<Emulator.CivisRun>();
    expectTypeOf<Gateway.CivisTableTag>().toEqualTypeOf<Emulator.CivisTableTag>();
    expectTypeOf<Gateway.CivisTableSummary>().toEqualTypeOf<Emulator.CivisTableSummary>();
    expectTypeOf<Gateway.CivisColumn>().toEqualTypeOf<Emulator.CivisColumn>();
    expectTypeOf<Gateway.CivisTableUpdated>().toEqualTypeOf<Emulator.CivisTableUpdated>();
    expectTypeOf<Gateway.CivisTableDetail>().toEqualTypeOf<Emulator.CivisTableDetail>();
    expectTypeOf<Gateway.CivisUserSummary>().toEqualTypeOf<Emulator.CivisUserSummary>();
    expectTypeOf<Gateway.CivisUserDetail>().toEqualTypeOf<Emulator.CivisUserDetail>();
    expectTypeOf<Gateway.CivisMe>().toEqualTypeOf<Emulator.CivisMe>();
    expectTypeOf<Gateway.CivisSchedule>().toEqualTypeOf<Emulator.CivisSchedule>();
    expectTypeOf<Gateway.CivisJob>().toEqualTypeOf<Emulator.CivisJob>();
    expectTypeOf<Gateway.CivisJobDetail>().toEqualTypeOf<Emulator.CivisJobDetail>();
    expectTypeOf<Gateway.CivisScript>().toEqualTypeOf<Emulator.CivisScript>();
    expectTypeOf<Gateway.CivisScriptDetail>().toEqualTypeOf<Emulator.CivisScriptDetail>();
    expectTypeOf<Gateway.CivisCancelResult>().toEqualTypeOf<Emulator.CivisCancelResult>();
    expectTypeOf<Gateway.CivisImportEndpoint>().toEqualTypeOf<Emulator.CivisImportEndpoint>();
    expectTypeOf<Gateway.CivisImport>().toEqualTypeOf<Emulator.CivisImport>();
    expectTypeOf<Gateway.CivisImportDetail>().toEqualTypeOf<Emulator.CivisImportDetail>();
    expectTypeOf<Gateway.CivisModelBuild>().toEqualTypeOf<Emulator.CivisModelBuild>();
    expectTypeOf<Gateway.CivisModel>().toEqualTypeOf<Emulator.CivisModel>();
    expectTypeOf<Gateway.CivisModelDetail>().toEqualTypeOf<Emulator.CivisModelDetail>();
    expectTypeOf<Gateway.CivisModelType>().toEqualTypeOf<Emulator.CivisModelType>();
    expectTypeOf<Gateway.CivisPrediction>().toEqualTypeOf<Emulator.CivisPrediction>();
    expectTypeOf<Gateway.CivisPredictionDetail>().toEqualTypeOf<Emulator.CivisPredictionDetail>();
    expectTypeOf<Gateway.CivisProjectObjectRef>().toEqualTypeOf<Emulator.CivisProjectObjectRef>();
    expectTypeOf<Gateway.CivisProject>().toEqualTypeOf<Emulator.CivisProject>();
    expectTypeOf<Gateway.CivisProjectDetail>().toEqualTypeOf<Emulator.CivisProjectDetail>();
    expectTypeOf<Gateway.CivisFileCreated>().toEqualTypeOf<Emulator.CivisFileCreated>();
    expectTypeOf<Gateway.CivisMultipartFileCreated>().toEqualTypeOf<Emulator.CivisMultipartFileCreated>();
    expectTypeOf<Gateway.CivisFile>().toEqualTypeOf<Emulator.CivisFile>();
    expectTypeOf<Gateway.CivisQuery>().toEqualTypeOf<Emulator.CivisQuery>();
    expectTypeOf<Gateway.CivisQueryCreated>().toEqualTypeOf<Emulator.CivisQueryCreated>();
    expectTypeOf<Gateway.CivisRunOutput>().toEqualTypeOf<Emulator.CivisRunOutput>();
    expectTypeOf<Gateway.CivisScriptParamWire>().toEqualTypeOf<Emulator.CivisScriptParamWire>();
    expectTypeOf<Gateway.CivisNotifications>().toEqualTypeOf<Emulator.CivisNotifications>();
    expectTypeOf<Gateway.CivisProjectFileRef>().toEqualTypeOf<Emulator.CivisProjectFileRef>();
    expectTypeOf<Gateway.CivisReport>().toEqualTypeOf<Emulator.CivisReport>();
    expectTypeOf<Gateway.CivisReportDetail>().toEqualTypeOf<Emulator.CivisReportDetail>();
  });
});
