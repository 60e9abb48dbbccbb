import { describe, expect, it } from 'vitest';
import { KEY2, NOT_FOUND, civisUnderTest, expectBadRequest } from './helpers.js';

const civis = civisUnderTest();
const call = civis.call;

const ids = (list: Array<{ id: number }>) => list.map((x) => x.id);

describe('civis emulator: file download URLs (civis.io.civis_to_file)', () => {
  it('serves fileUrl equal to downloadUrl, and fetching it without any auth gives the bytes', async () => {
    const f = (await call('/files/8001')).body;
    expect(f.fileUrl).toBe(`${civis.url}/files/8001/download`);
    expect(f.fileUrl).toBe(f.downloadUrl);
    const res = await fetch(f.fileUrl);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.split('\n')[0]).toBe('customer_id,email,state');
    expect(text.length).toBe(f.fileSize);
  });

  it('round-trips an upload the way file_to_civis and civis_to_file do: POST /files/, multipart POST, GET, unauthenticated GET of fileUrl', async () => {
    const created = await call('/files/', { method: 'POST', body: { name: 'bytes.bin' } });
    expect(created.status).toBe(201);
    const form = new FormData();
    for (const [k, v] of Object.entries(created.body.uploadFields as Record<string, string>)) form.append(k, v);
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10]);
    form.append('file', new Blob([bytes]), 'bytes.bin');
    expect((await fetch(created.body.uploadUrl, { method: 'POST', body: form })).status).toBe(204);
    const got = (await call(`/files/${created.body.id}`)).body;
    expect(got.fileSize).toBe(6);
    const res = await fetch(got.fileUrl);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it('answers both URLs null and fileSize 0 for a file whose content has not been uploaded', async () => {
    const created = await call('/files/', { method: 'POST', body: { name: 'empty.csv' } });
    expect(created.body.fileSize).toBe(0);
    const got = (await call(`/files/${created.body.id}`)).body;
    expect(got).toMatchObject({ fileSize: 0, downloadUrl: null, fileUrl: null });
  });
});

describe('civis emulator: POST /files/ expiresAt', () => {
  it('keeps a file indefinitely for an explicit null, as civis-python sends expires_at=None', async () => {
    const created = await call('/files/', { method: 'POST', body: { name: 'forever.csv', expires_at: null } });
    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBeNull();
    expect((await call(`/files/${created.body.id}`)).body.expiresAt).toBeNull();
  });

  it('expires in 30 days when the key is absent, and takes an ISO time as given', async () => {
    const absent = (await call('/files/', { method: 'POST', body: { name: 'a.csv' } })).body;
    expect(Date.parse(absent.expiresAt) - Date.parse(absent.createdAt)).toBe(30 * 86_400_000);
    const given = (await call('/files/', { method: 'POST', body: { name: 'b.csv', expiresAt: '2031-05-06T07:08:09Z' } })).body;
    expect(given.expiresAt).toBe('2031-05-06T07:08:09.000Z');
    expectBadRequest(
      await call('/files/', { method: 'POST', body: { name: 'c.csv', expiresAt: 'next week' } }),
      'expiresAt must be an ISO 8601 time',
    );
  });
});

describe('civis emulator: PUT and PATCH /files/{id}', () => {
  it('replaces name, expiry and description with PUT, keeping the extension', async () => {
    const put = await call('/files/8001', {
      method: 'PUT',
      body: { name: 'customers_2026.csv', expires_at: '2030-01-01T00:00:00Z', description: 'Renamed.' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: 8001,
      name: 'customers_2026.csv',
      expiresAt: '2030-01-01T00:00:00.000Z',
      description: 'Renamed.',
      fileUrl: `${civis.url}/files/8001/download`,
    });
    expect((await call('/files/8001')).body.name).toBe('customers_2026.csv');
    const cleared = await call('/files/8001', { method: 'PUT', body: { name: 'customers_2026.csv', expiresAt: null } });
    expect(cleared.body).toMatchObject({ expiresAt: null, description: null });
  });

  it('changes only the given fields with PATCH', async () => {
    const before = (await call('/files/8002')).body;
    const patch = await call('/files/8002', { method: 'PATCH', body: { description: 'Model report' } });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ name: before.name, expiresAt: before.expiresAt, description: 'Model report' });
    expect((await call('/files/8002', { method: 'PATCH', body: { expiresAt: null } })).body.expiresAt).toBeNull();
  });

  it('rejects a PUT without expiresAt, a changed extension and a bad time with 400', async () => {
    expectBadRequest(await call('/files/8001', { method: 'PUT', body: { name: 'x.csv' } }), 'expiresAt is required on PUT');
    expectBadRequest(await call('/files/8001', { method: 'PATCH', body: { name: 'customers.json' } }), 'must keep the extension');
    expectBadRequest(await call('/files/8001', { method: 'PATCH', body: { expires_at: 'soon' } }), 'expiresAt must be an ISO 8601 time');
    expect((await call('/files/8001')).body.name).toBe('customers_2025.csv');
  });

  it("answers 404 for an unknown file and for someone else's", async () => {
    for (const method of ['PUT', 'PATCH']) {
      const unknown = await call('/files/999999', { method, body: { name: 'x.csv', expiresAt: null } });
      expect(unknown.status, method).toBe(404);
      expect(unknown.body).toEqual(NOT_FOUND);
      expect((await call('/files/8003', { method, body: { name: 'x.csv', expiresAt: null } })).status, method).toBe(404);
    }
  });
});

describe('civis emulator: PATCH /tables/{id}', () => {
  it('updates description, keys and ontology mapping from snake_case keys and answers the detail without columns', async () => {
    const r = await call('/tables/2001', {
      method: 'PATCH',
      body: {
        description: 'Customers, one row each.',
        primary_keys: ['customer_id'],
        last_modified_keys: ['signup_date'],
        ontology_mapping: { primary_key: 'customer_id', email: 'email' },
      },
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual([
      'id',
      'databaseId',
      'schema',
      'name',
      'description',
      'isView',
      'rowCount',
      'columnCount',
      'sizeMb',
      'owner',
      'distkey',
      'sortkeys',
      'refreshStatus',
      'lastRefresh',
      'dataUpdatedAt',
      'schemaUpdatedAt',
      'refreshId',
      'lastRun',
      'primaryKeys',
      'lastModifiedKeys',
      'tableTags',
      'ontologyMapping',
    ]);
    expect(r.body).toMatchObject({
      id: 2001,
      description: 'Customers, one row each.',
      lastModifiedKeys: ['signup_date'],
      ontologyMapping: { primary_key: 'customer_id', email: 'email' },
    });
    const detail = (await call('/tables/2001')).body;
    expect(detail).toMatchObject({
      description: 'Customers, one row each.',
      lastModifiedKeys: ['signup_date'],
      primaryKeys: ['customer_id'],
    });
    expect(detail.columns).toHaveLength(8);
    expect((await call('/tables/?database_id=32&schema=public&name=customers')).body[0].description).toBe('Customers, one row each.');
  });

  it('leaves fields that are not in the body alone', async () => {
    const r = await call('/tables/2001', { method: 'PATCH', body: { lastModifiedKeys: ['signup_date'] } });
    expect(r.body).toMatchObject({
      description: 'One row per customer.',
      primaryKeys: ['customer_id'],
      ontologyMapping: { email: 'email' },
    });
  });

  it('rejects keys that are not columns and values of the wrong type with 400, changing nothing', async () => {
    expectBadRequest(
      await call('/tables/2001', { method: 'PATCH', body: { description: 'x', primaryKeys: ['nope'] } }),
      'primaryKeys: "nope" is not a column of public.customers',
    );
    expectBadRequest(
      await call('/tables/2001', { method: 'PATCH', body: { primaryKeys: 'customer_id' } }),
      'primaryKeys must be an array of strings',
    );
    expectBadRequest(
      await call('/tables/2001', { method: 'PATCH', body: { ontologyMapping: { email: 3 } } }),
      'ontologyMapping.email must be a string',
    );
    expect((await call('/tables/2001')).body.description).toBe('One row per customer.');
  });

  it('answers 404 for an unknown table', async () => {
    const r = await call('/tables/999999', { method: 'PATCH', body: { description: 'x' } });
    expect(r.status).toBe(404);
    expect(r.body).toEqual(NOT_FOUND);
  });
});

describe('civis emulator: POST /imports/', () => {
  it('creates an idle import (201) with named endpoints, readable at /imports/{id} and listed', async () => {
    const r = await call('/imports/', {
      method: 'POST',
      body: {
        name: 'Copy invoices',
        sync_type: 'Dbsync',
        is_outbound: false,
        source: { remote_host_id: 45, credential_id: 1002 },
        destination: { remoteHostId: 32, credentialId: 1001 },
        schedule: { scheduled: true, scheduled_days: [1, 3], scheduled_hours: [4] },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: 5105,
      name: 'Copy invoices',
      syncType: 'Dbsync',
      isOutbound: false,
      jobType: 'import',
      state: 'idle',
      lastRun: null,
      source: { remoteHostId: 45, credentialId: 1002, additionalCredentials: [], name: 'postgres-analytics' },
      destination: { remoteHostId: 32, credentialId: 1001, name: 'redshift-general' },
      schedule: { scheduled: true, scheduledDays: [1, 3], scheduledHours: [4], scheduledMinutes: [] },
      user: { id: 4257 },
      myPermissionLevel: 'manage',
      hidden: false,
    });
    expect((await call('/imports/5105')).body).toEqual(r.body);
    expect(ids((await call('/imports/')).body)).toContain(5105);
    expect((await call('/jobs/5105')).body.type).toBe('JobTypes::Import');
  });

  it('answers a missing source as null', async () => {
    const r = await call('/imports/', {
      method: 'POST',
      body: { name: 'Auto', syncType: 'AutoImport', isOutbound: false, destination: { remoteHostId: 61 } },
    });
    expect(r.status).toBe(201);
    expect(r.body.source).toBeNull();
    expect(r.body.destination).toMatchObject({ remoteHostId: 61, credentialId: null, name: 'redshift-sandbox' });
  });

  it('rejects a missing isOutbound, an unknown sync type and an unknown remote host with 400', async () => {
    expectBadRequest(await call('/imports/', { method: 'POST', body: { name: 'x', syncType: 'Dbsync' } }), 'isOutbound is required');
    expectBadRequest(
      await call('/imports/', { method: 'POST', body: { name: 'x', syncType: 'Ftp', isOutbound: false } }),
      'syncType must be one of Dbsync, AutoImport',
    );
    expectBadRequest(
      await call('/imports/', {
        method: 'POST',
        body: { name: 'x', syncType: 'Dbsync', isOutbound: false, source: { remoteHostId: 999 } },
      }),
      'source.remoteHostId 999 is not a known remote host',
    );
    expect((await call('/imports/5105')).status).toBe(404);
  });
});

describe('civis emulator: DELETE /queries/{id}', () => {
  it('hides the query and answers it (200), so the default list no longer shows it', async () => {
    const r = await call('/queries/6001', { method: 'DELETE' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 6001, hidden: true, state: 'succeeded' });
    expect(ids((await call('/queries/')).body)).toEqual([6005, 6003]);
    expect(ids((await call('/queries/?hidden=true')).body)).toEqual([6001]);
    expect((await call('/queries/6001')).body.hidden).toBe(true);
  });

  it("answers 404 for an unknown query and for someone else's", async () => {
    const unknown = await call('/queries/999999', { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(NOT_FOUND);
    expect((await call('/queries/6002', { method: 'DELETE' })).status).toBe(404);
    expect((await call('/queries/6002', { key: KEY2 })).body.hidden).toBe(false);
  });
});

describe('civis emulator: POST and PATCH /reports/', () => {
  it('creates an HTML report (200, as the platform answers) backed by a script, visible to its author only', async () => {
    const r = await call('/reports/', {
      method: 'POST',
      body: { script_id: 5001, name: 'Revenue HTML', code_body: '<h1>Revenue</h1>', provide_api_key: true, app_state: { tab: 'weekly' } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: 9004,
      name: 'Revenue HTML',
      type: 'ReportTypes::HTML',
      state: 'idle',
      lastRun: null,
      finishedAt: null,
      script: { id: 5001, name: 'Nightly revenue rollup' },
      user: { id: 4257 },
      provideAPIKey: true,
      appState: { tab: 'weekly' },
      myPermissionLevel: 'manage',
    });
    expect(r.text).not.toContain('<h1>');
    expect((await call('/reports/9004')).body).toEqual(r.body);
    expect(ids((await call('/reports/')).body)).toContain(9004);
    expect((await call('/reports/9004', { key: KEY2 })).status).toBe(404);
  });

  it('accepts an empty body: a report named after its id, with no script', async () => {
    const r = await call('/reports/', { method: 'POST', body: {} });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 9004, name: 'Report #9004', script: null, jobPath: null, appState: {} });
  });

  it('rejects an unknown or non-script scriptId, a blank name and a non-object appState with 400', async () => {
    expectBadRequest(await call('/reports/', { method: 'POST', body: { scriptId: 999 } }), 'scriptId 999 is not a known script');
    expectBadRequest(await call('/reports/', { method: 'POST', body: { scriptId: 5101 } }), 'scriptId 5101 is not a known script');
    expectBadRequest(await call('/reports/', { method: 'POST', body: { name: ' ' } }), 'name must not be blank');
    expectBadRequest(await call('/reports/', { method: 'POST', body: { appState: 'blob' } }), 'appState must be a JSON object');
    expect((await call('/reports/9004')).status).toBe(404);
  });

  it('patches only the given fields, and a new template resets appState', async () => {
    await call('/reports/9002', { method: 'PATCH', body: { app_state: { filter: 'IL' } } });
    const r = await call('/reports/9002', { method: 'PATCH', body: { name: 'Churn v2', template_id: 3 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 9002, name: 'Churn v2', templateId: 3, appState: {}, script: { id: 5002 }, state: 'running' });
    const again = await call('/reports/9002', {
      method: 'PATCH',
      body: { appState: { filter: 'NY' }, script_id: 5005, use_viewers_tableau_username: true },
    });
    expect(again.body).toMatchObject({
      name: 'Churn v2',
      appState: { filter: 'NY' },
      script: { id: 5005, name: 'Ad hoc export' },
      jobPath: '/scripts/5005',
      useViewersTableauUsername: true,
    });
    expect((await call('/reports/9002')).body).toEqual(again.body);
    expect((await call('/reports/')).body.find((x: { id: number }) => x.id === 9002).name).toBe('Churn v2');
  });

  it('answers 404 for an unknown report and for one the caller reads but does not own', async () => {
    const unknown = await call('/reports/999999', { method: 'PATCH', body: { name: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(NOT_FOUND);
    expect((await call('/reports/9001')).status).toBe(200);
    expect((await call('/reports/9001', { method: 'PATCH', body: { name: 'x' } })).status).toBe(404);
    expect((await call('/reports/9001', { key: KEY2, method: 'PATCH', body: { name: 'Revenue v2' } })).body.name).toBe('Revenue v2');
  });

  it('rejects a bad scriptId or a non-boolean flag on PATCH with 400, changing nothing', async () => {
    expectBadRequest(
      await call('/reports/9002', { method: 'PATCH', body: { name: 'y', scriptId: 999 } }),
      'scriptId 999 is not a known script',
    );
    expectBadRequest(
      await call('/reports/9002', { method: 'PATCH', body: { provide_api_key: 'maybe' } }),
      'provideAPIKey must be true or false',
    );
    expect((await call('/reports/9002')).body.name).toBe('Churn deep dive');
  });
});

describe('civis emulator: POST /scripts/ and DELETE /scripts/{id}', () => {
  it('creates an idle SQL script (201) that can then be run', async () => {
    const r = await call('/scripts/', {
      method: 'POST',
      body: {
        name: 'Top customers',
        remote_host_id: 32,
        credential_id: 1001,
        sql: 'SELECT * FROM public.customers LIMIT 10',
        arguments: { n: 10 },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: 5105,
      name: 'Top customers',
      type: 'JobTypes::SqlRunner',
      category: 'script',
      state: 'idle',
      lastRun: null,
      author: { id: 4257 },
      sql: 'SELECT * FROM public.customers LIMIT 10',
      params: [],
      arguments: { n: 10 },
      archived: false,
      myPermissionLevel: 'manage',
      links: { details: '/scripts/sql/5105' },
    });
    expect((await call('/scripts/5105')).body).toEqual(r.body);
    expect((await call('/scripts/5105/run', { method: 'POST' })).status).toBe(204);
    expect((await call('/scripts/5105')).body.state).not.toBe('idle');
  });

  it('rejects a missing sql, an unknown database and a credential that is not a Database one with 400', async () => {
    const github = (await call('/credentials/?type=Github&name=github-ada')).body[0].id as number;
    const base = { name: 'x', remoteHostId: 32, credentialId: 1001, sql: 'SELECT 1' };
    expectBadRequest(await call('/scripts/', { method: 'POST', body: { ...base, sql: undefined } }), 'sql is required');
    expectBadRequest(
      await call('/scripts/', { method: 'POST', body: { ...base, remoteHostId: 999 } }),
      'remoteHostId 999 is not a known database',
    );
    expectBadRequest(
      await call('/scripts/', { method: 'POST', body: { ...base, credentialId: github } }),
      `credentialId ${github} is a Github credential`,
    );
    expect((await call('/scripts/5105')).status).toBe(404);
  });

  it("archives the caller's script (204): still readable, archived, and out of the default list", async () => {
    const r = await call('/scripts/5005', { method: 'DELETE' });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect((await call('/scripts/5005')).body.archived).toBe(true);
    expect(ids((await call('/scripts/')).body)).not.toContain(5005);
    expect(ids((await call('/scripts/?archived=true')).body)).toContain(5005);
  });

  it("answers 404 for an unknown script, an import id and someone else's script", async () => {
    const unknown = await call('/scripts/999999', { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(NOT_FOUND);
    expect((await call('/scripts/5101', { method: 'DELETE' })).status).toBe(404);
    expect((await call('/scripts/5003', { method: 'DELETE' })).status).toBe(404);
    expect((await call('/scripts/5003')).body.archived).toBe(false);
  });
});
