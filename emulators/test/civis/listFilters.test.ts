/** The Civis emulator's list filters as the spec documents them: statuses, permissions, categories, users and `archived=all`. */
import { describe, expect, it } from 'vitest';
import { civisUnderTest, expectBadRequest, KEY2 } from './helpers.js';

const { call } = civisUnderTest();
const ids = (body: any[]) => body.map((x) => x.id).sort((a, b) => a - b);

describe('civis emulator: status of scripts and imports', () => {
  it('takes `scheduled` for the jobs with a schedule, alone or beside states', async () => {
    const all = (await call('/scripts/?limit=50')).body as any[];
    const scheduled = (await call('/scripts/?status=scheduled&limit=50')).body as any[];
    const detail = await Promise.all(all.map(async (s) => (await call(`/scripts/${s.id}`)).body));
    expect(ids(scheduled)).toEqual(ids(detail.filter((d) => d.schedule.scheduled)));
    expect(scheduled.length).toBeGreaterThan(0);
    const failedOrScheduled = (await call('/scripts/?status=failed,scheduled&limit=50')).body as any[];
    expect(ids(failedOrScheduled)).toEqual(ids(detail.filter((d) => d.schedule.scheduled || d.state === 'failed')));
    const imports = (await call('/imports/?status=scheduled')).body as any[];
    const importDetail = await Promise.all(
      ((await call('/imports/')).body as any[]).map(async (i) => (await call(`/imports/${i.id}`)).body),
    );
    expect(ids(imports)).toEqual(ids(importDetail.filter((d) => d.schedule.scheduled)));
  });

  it('refuses a state the spec does not list for them (queued, cancelled), and idle on jobs', async () => {
    expectBadRequest(await call('/scripts/?status=queued'), 'status must be among running, failed, succeeded, idle, scheduled');
    expectBadRequest(await call('/imports/?status=cancelled'), 'status must be among running, failed, succeeded, idle, scheduled');
    expectBadRequest(await call('/jobs/?state=idle'), 'state must be among queued, running, succeeded, failed, cancelled');
  });
});

describe('civis emulator: permission, search and category', () => {
  it("lists every job and project for read, and the caller's own for write and manage", async () => {
    const jobs = (await call('/jobs/?limit=50')).body as any[];
    expect(ids((await call('/jobs/?limit=50&permission=read')).body)).toEqual(ids(jobs));
    const own = jobs.filter((j) => j.author.id === 4257);
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBeLessThan(jobs.length);
    const written = (await call('/jobs/?limit=50&permission=write')).body as any[];
    expect(ids(written)).toEqual(ids(own));
    expect(ids((await call('/jobs/?limit=50&permission=manage')).body)).toEqual(ids(own));
    const projects = (await call('/projects/', { key: KEY2 })).body as any[];
    const writable = (await call('/projects/?permission=write', { key: KEY2 })).body as any[];
    expect(ids((await call('/projects/?permission=read', { key: KEY2 })).body)).toEqual(ids(projects));
    expect(writable.every((p) => p.author.id === 4258)).toBe(true);
    expect(writable.length).toBeLessThan(projects.length);
    expectBadRequest(await call('/jobs/?permission=admin'), 'permission must be read, write or manage');
  });

  it('searches jobs on name, type and id (q)', async () => {
    expect(ids((await call('/jobs/?q=5003')).body)).toEqual([5003]);
    const containers = (await call('/jobs/?q=ContainerDocker')).body as any[];
    expect(containers.length).toBeGreaterThan(0);
    expect(containers.every((j) => j.type === 'JobTypes::ContainerDocker')).toBe(true);
    expect(ids((await call('/jobs/?q=nightly')).body)).toEqual([5001]);
  });

  it('filters scripts on the categories the spec lists, and refuses another', async () => {
    const scripts = (await call('/scripts/?category=script&limit=50')).body as any[];
    expect(scripts.length).toBeGreaterThan(0);
    expect((await call('/scripts/?category=enhancement')).body).toEqual([]);
    expectBadRequest(await call('/scripts/?category=report'), 'category must be one of script, import, export, enhancement');
  });
});

describe('civis emulator: users', () => {
  it('filters on a feature flag, the organization, and an exact id in query', async () => {
    expect(ids((await call('/users/?feature_flag=notebooks')).body)).toEqual([4257, 4259, 4261]);
    expect((await call('/users/?feature_flag=table_param')).body).toEqual([]);
    expect(ids((await call('/users/?organization_id=104')).body)).toEqual([4257, 4258, 4259, 4260, 4261]);
    expect((await call('/users/?organization_id=999')).body).toEqual([]);
    expect(ids((await call('/users/?query=4259')).body)).toEqual([4259]);
  });

  it('takes group_id or group_ids, and refuses both at once', async () => {
    expect(ids((await call('/users/?group_id=4868')).body)).toEqual(ids((await call('/users/?group_ids[]=4868')).body));
    expectBadRequest(await call('/users/?group_id=4868&group_ids=4867'), 'pass group_id or group_ids, not both');
  });
});

describe('civis emulator: archived=all', () => {
  it('answers live and archived items together', async () => {
    for (const list of ['/scripts/', '/jobs/', '/projects/', '/reports/', '/models/', '/imports/']) {
      const live = (await call(`${list}?limit=50`)).body as any[];
      const archived = (await call(`${list}?limit=50&archived=true`)).body as any[];
      const all = (await call(`${list}?limit=50&archived=all`)).body as any[];
      expect(ids(all)).toEqual(ids([...live, ...archived]));
    }
    expect(((await call('/scripts/?archived=true')).body as any[]).map((s) => s.id)).toContain(5006);
  });
});
