import { describe, expect, it } from 'vitest';
import { KEY2, NOT_FOUND, civisUnderTest, expectBadRequest } from './helpers.js';

const civis = civisUnderTest();
const call = civis.call;

describe('civis emulator: scripts by language (POST and PATCH /scripts/{sql|python3|r|containers})', () => {
  it('creates each language with its required fields and answers 201 with the script and its type', async () => {
    const py = await call('/scripts/python3', { method: 'POST', body: { name: 'Train', source: 'print(1)' } });
    expect(py.status).toBe(201);
    expect(py.body).toMatchObject({ name: 'Train', type: 'JobTypes::PythonDocker', source: 'print(1)', sql: null, archived: false });
    const box = await call('/scripts/containers', {
      method: 'POST',
      body: { requiredResources: { cpu: 1024, memory: 2048 }, dockerImageName: 'img', dockerCommand: 'run' },
    });
    expect(box.status).toBe(201);
    expect(box.body).toMatchObject({
      type: 'JobTypes::ContainerDocker',
      dockerImageName: 'img',
      dockerCommand: 'run',
      dockerImageTag: 'latest',
    });
    expectBadRequest(await call('/scripts/r', { method: 'POST', body: { name: 'x' } }), 'source is required');
    expectBadRequest(
      await call('/scripts/containers', { method: 'POST', body: { dockerImageName: 'img' } }),
      'requiredResources is required',
    );
    expectBadRequest(await call('/scripts/sql', { method: 'POST', body: { name: 'x', sql: 'SELECT 1' } }), 'remoteHostId is required');
  });

  it('patches only the given fields, of the caller’s own script in that language', async () => {
    const py = (await call('/scripts/python3', { method: 'POST', body: { name: 'Train', source: 'print(1)' } })).body;
    const patched = await call(`/scripts/python3/${py.id}`, { method: 'PATCH', body: { source: 'print(2)' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Train', source: 'print(2)' });
    expect((await call(`/scripts/r/${py.id}`, { method: 'PATCH', body: { name: 'y' } })).body).toEqual(NOT_FOUND);
    expect((await call(`/scripts/python3/${py.id}`, { method: 'PATCH', key: KEY2, body: { name: 'y' } })).status).toBe(404);
    expectBadRequest(await call(`/scripts/python3/${py.id}`, { method: 'PATCH', body: { name: ' ' } }), 'name must not be blank');
  });
});

describe('civis emulator: cancelling (DELETE /jobs/{id}/runs/{run_id}, DELETE /queries/{id}/runs/{run_id})', () => {
  it('cancels a queued run with 202, then answers 409 for it and 404 for an unknown run', async () => {
    const run = (await call('/jobs/5005/runs', { method: 'POST' })).body;
    const cancelled = await call(`/jobs/5005/runs/${run.id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(202);
    expect((await call(`/jobs/5005/runs/${run.id}`)).body.state).toBe('cancelled');
    const again = await call(`/jobs/5005/runs/${run.id}`, { method: 'DELETE' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
    expect((await call('/jobs/5005/runs/1', { method: 'DELETE' })).status).toBe(404);
  });

  it("cancels the caller's running query through its last run id, and hides it from another key", async () => {
    const q = (await call('/queries/', { method: 'POST', body: { database: 32, sql: 'SELECT 1', previewRows: 10 } })).body;
    expect((await call(`/queries/${q.id}/runs/${q.lastRunId}`, { method: 'DELETE', key: KEY2 })).status).toBe(404);
    expect((await call(`/queries/${q.id}/runs/${q.lastRunId}`, { method: 'DELETE' })).status).toBe(202);
    expect((await call(`/queries/${q.id}`)).body).toMatchObject({ state: 'cancelled', resultRows: null });
  });
});

describe('civis emulator: archiving (PUT /{jobs|projects|reports}/{id}/archive)', () => {
  it('archives and restores with {status}, answers the object, and requires status', async () => {
    const a = await call('/jobs/5001/archive', { method: 'PUT', body: { status: true } });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ id: 5001, archived: true });
    expect((await call('/projects/7001/archive', { method: 'PUT', body: { status: true } })).body.archived).toBe(true);
    expect((await call('/projects/7001/archive', { method: 'PUT', body: { status: false } })).body.archived).toBe(false);
    expectBadRequest(await call('/reports/9001/archive', { method: 'PUT', body: {} }), 'status is required');
    expect((await call('/projects/7002/archive', { method: 'PUT', body: { status: true } })).status).toBe(404);
  });
});

describe('civis emulator: PUT /imports/{id} and project membership', () => {
  it('replaces an import whole, requiring name, syncType and isOutbound', async () => {
    const imp = (await call('/imports/', { method: 'POST', body: { name: 'i', syncType: 'Dbsync', isOutbound: false } })).body;
    const put = await call(`/imports/${imp.id}`, { method: 'PUT', body: { name: 'j', syncType: 'Dbsync', isOutbound: true } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'j', isOutbound: true });
    expectBadRequest(await call(`/imports/${imp.id}`, { method: 'PUT', body: { name: 'j' } }), 'syncType must be one of');
  });

  it('adds and removes jobs, reports and files with 204, visible in the project and the object', async () => {
    expect((await call('/jobs/5001/projects/7001', { method: 'PUT' })).status).toBe(204);
    expect((await call('/files/8001/projects/7001', { method: 'PUT' })).status).toBe(204);
    const p = (await call('/projects/7001')).body;
    expect(p.allObjects.map((o: any) => o.objectId)).toEqual(expect.arrayContaining([5001, 8001]));
    expect((await call('/scripts/5001')).body.projects.map((x: any) => x.id)).toContain(7001);
    expect((await call('/jobs/5001/projects/7001', { method: 'DELETE' })).status).toBe(204);
    expect((await call('/scripts/5001')).body.projects.map((x: any) => x.id)).not.toContain(7001);
    expect((await call('/jobs/5001/projects/999999', { method: 'PUT' })).status).toBe(404);
    expect((await call('/imports/5001/projects/7001', { method: 'PUT' })).status).toBe(404);
  });
});

describe('civis emulator: query export options', () => {
  it('takes the documented compression and delimiter values and refuses others', async () => {
    const ok = await call('/queries/', {
      method: 'POST',
      body: { database: 32, sql: 'SELECT 1', previewRows: 10, compression: 'gzip', columnDelimiter: 'pipe' },
    });
    expect(ok.status).toBe(201);
    expectBadRequest(
      await call('/queries/', { method: 'POST', body: { database: 32, sql: 'SELECT 1', previewRows: 10, compression: 'bz2' } }),
      'compression must be one of',
    );
    expectBadRequest(
      await call('/queries/', { method: 'POST', body: { database: 32, sql: 'SELECT 1', previewRows: 10, columnDelimiter: ';' } }),
      'columnDelimiter must be one of',
    );
  });
});

describe('civis emulator: script params, arguments, schedule and notifications', () => {
  const settings = {
    params: [
      { name: 'days', label: 'Days', type: 'integer', required: true },
      { name: 'table', type: 'table', default: 'public.orders' },
    ],
    arguments: { days: 7 },
    schedule: { scheduled: true, scheduledDays: [1, 3], scheduledHours: [6], scheduledMinutes: [30] },
    notifications: {
      success_email_addresses: ['ops@example.com'],
      failureOn: false,
      stallWarningMinutes: 45,
      urls: ['https://hooks.example.com/x'],
    },
  };

  it('keeps them on create and answers them on the typed route and on GET /scripts/{id}', async () => {
    const r = await call('/scripts/python3', { method: 'POST', body: { name: 'Nightly', source: 'print(1)', ...settings } });
    expect(r.status).toBe(201);
    const expected = {
      params: settings.params,
      arguments: { days: 7 },
      schedule: {
        scheduled: true,
        scheduledDays: [1, 3],
        scheduledHours: [6],
        scheduledMinutes: [30],
        scheduledRunsPerHour: null,
        scheduledDaysOfMonth: [],
      },
      notifications: {
        urls: ['https://hooks.example.com/x'],
        successEmailSubject: null,
        successEmailBody: null,
        successEmailAddresses: ['ops@example.com'],
        successEmailFromName: null,
        successEmailReplyTo: null,
        failureEmailAddresses: [],
        stallWarningMinutes: 45,
        successOn: true,
        failureOn: false,
      },
    };
    expect(r.body).toMatchObject(expected);
    expect((await call(`/scripts/${r.body.id}`)).body).toMatchObject(expected);
    expect((await call(`/jobs/?scheduled=true`)).body.map((j: any) => j.id)).toContain(r.body.id);
  });

  it('changes only what PATCH sends, and leaves the rest', async () => {
    const id = (await call('/scripts/r', { method: 'POST', body: { name: 'M', source: 'x <- 1', ...settings } })).body.id;
    const p = await call(`/scripts/r/${id}`, {
      method: 'PATCH',
      body: { schedule: { scheduled: false }, notifications: { successOn: false } },
    });
    expect(p.status).toBe(200);
    expect(p.body.schedule).toMatchObject({ scheduled: false, scheduledDays: [] });
    expect(p.body.notifications).toMatchObject({ successOn: false, failureOn: true, successEmailAddresses: [] });
    expect(p.body.params).toEqual(settings.params);
    expect(p.body.arguments).toEqual({ days: 7 });
  });

  it('refuses a param without a name or with an unknown type, a duplicate name, and out-of-range schedules with 400', async () => {
    const post = (body: object) => call('/scripts/python3', { method: 'POST', body: { name: 'x', source: 'print(1)', ...body } });
    expectBadRequest(await post({ params: [{ type: 'integer' }] }), 'params[0].name is required');
    expectBadRequest(await post({ params: [{ name: 'a', type: 'number' }] }), 'params[0].type must be one of string, multi_line_string');
    expectBadRequest(
      await post({
        params: [
          { name: 'a', type: 'bool' },
          { name: 'a', type: 'bool' },
        ],
      }),
      'params[1].name "a" is defined twice',
    );
    expectBadRequest(await post({ schedule: { scheduledHours: [24] } }), 'schedule.scheduledHours takes values from 0 to 23, got 24');
    expectBadRequest(
      await post({ schedule: { scheduledDays: [1], scheduledDaysOfMonth: [1] } }),
      'scheduledDays and schedule.scheduledDaysOfMonth are mutually exclusive',
    );
    expectBadRequest(await post({ notifications: { urls: 'https://x' } }), 'notifications.urls must be an array of strings');
  });
});
