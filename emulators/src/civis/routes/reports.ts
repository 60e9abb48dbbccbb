/**
 * Internal to the Civis emulator: the reports routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { notFound, paginate, qFlagFilter, qInt, qIntList, qList, type PageSpec } from '../query.js';
import { type CivisRoute, type RouteContext, SCRIPTS_PAGE, ok, pathId, body, P, HIDDEN, ARCHIVED, AUTHOR } from './kit.js';

/** The reports routes, in matching order. */
export function reportRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  return [
    // -------------------------------------------------------------- reports
    {
      method: 'GET',
      path: '/reports/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const types = qList(q, 'type');
        const templateId = qInt(q, 'template_id');
        const authors = qIntList(q, 'author');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const callerId = me(req);
        const out = [];
        for (const r of s.reports.values()) {
          if (!r.memberIds.includes(callerId)) continue;
          // `tableau` and `other` as documented; a full type name (`ReportTypes::HTML`) is taken too.
          const kind = r.wire.type === 'ReportTypes::Tableau' ? 'tableau' : 'other';
          if (types && !types.some((t) => t.toLowerCase() === kind || t === r.wire.type)) continue;
          if (templateId !== undefined && r.wire.templateId !== templateId) continue;
          if (authors && !authors.includes(r.wire.user.id)) continue;
          if (!hidden(r.detail.hidden) || !archived(r.wire.archived)) continue;
          out.push(r.wire);
        }
        return paginate(q, out, SCRIPTS_PAGE);
      },
      doc: {
        summary: 'List Reports',
        query: [
          P.str(
            'type',
            "If specified, return report of these types. It accepts a comma-separated list, possible values are 'tableau' or 'other'.",
          ),
          P.int('template_id', 'If specified, return reports using the provided Template.'),
          AUTHOR,
          HIDDEN,
          ARCHIVED,
        ],
        page: SCRIPTS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.reports.values()].map((r) => r.wire),
      },
    },
    {
      method: 'POST',
      path: '/reports/',
      // 200, not 201, as the platform answers it.
      handler: (req) => ok(store().createReport(me(req), body(req))),
      doc: {
        summary: 'Create an HTML report',
        body: {
          properties: {
            scriptId: 'integer',
            name: 'string',
            codeBody: 'string',
            appState: 'object',
            provideAPIKey: 'boolean',
            templateId: 'integer',
            hidden: 'boolean',
          },
        },
        status: 200,
        sample: (s) => [...s.reports.values()].map((r) => r.detail),
      },
    },
    {
      method: 'GET',
      path: '/reports/{id}',
      handler: (req) => {
        const r = store().report(pathId(req));
        if (!r.memberIds.includes(me(req))) throw notFound();
        return ok(r.detail);
      },
      doc: { summary: 'Get a single report', status: 200, sample: (s) => [...s.reports.values()].map((r) => r.detail) },
    },
    {
      method: 'PATCH',
      path: '/reports/{id}',
      handler: (req) => ok(store().updateReport(me(req), pathId(req), body(req))),
      doc: {
        summary: 'Update a report',
        body: {
          properties: {
            name: 'string',
            scriptId: 'integer',
            codeBody: 'string',
            config: 'string',
            appState: 'object',
            provideAPIKey: 'boolean',
            templateId: 'integer',
            useViewersTableauUsername: 'boolean',
          },
        },
        status: 200,
        sample: (s) => [...s.reports.values()].map((r) => r.detail),
      },
    },
  ];
}
