import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '../../src/prevision/index.js';
import { call, usePrevision } from './helpers.js';

let url = '';
usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ url } = s));

const CHURN = PREVISION_DEMO.projects[0]!;
const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const members = async () =>
  ((await call(url, `/ext/v1/projects/${CHURN.id}/users`)).body.items as Array<{ _id: string; email: string; role: string }>).map(
    (u) => `${u.email}:${u.role}`,
  );

describe("project users (the R SDK's create_project_user, update_project_user_role, delete_project_user)", () => {
  it('adds, re-roles and removes a member, answering the project', async () => {
    const added = await call(
      url,
      `/ext/v1/projects/${CHURN.id}/users`,
      json('POST', { email: 'New@Example.com', projectRole: 'end_user' }),
    );
    expect(added.status).toBe(200);
    expect(added.body._id).toBe(CHURN.id);
    expect(added.body.end_users).toEqual([{ _id: expect.any(String), email: 'new@example.com' }]);
    expect(await members()).toContain('new@example.com:end_user');
    const id = added.body.end_users[0]._id;
    const updated = await call(url, `/ext/v1/projects/${CHURN.id}/users/${id}`, json('PUT', { projectRole: 'viewer' }));
    expect(updated.status).toBe(200);
    expect(await members()).toContain('new@example.com:viewer');
    const removed = await call(url, `/ext/v1/projects/${CHURN.id}/users/${id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect((await members()).some((m) => m.startsWith('new@example.com'))).toBe(false);
  });

  it('refuses a bad role or e-mail, a member twice, an unknown member and leaving no admin', async () => {
    const post = (body: unknown) => call(url, `/ext/v1/projects/${CHURN.id}/users`, json('POST', body));
    expect((await post({ email: 'x@example.com', projectRole: 'owner' })).status).toBe(400);
    expect((await post({ email: 'not-an-email', projectRole: 'viewer' })).status).toBe(400);
    const twice = await post({ email: PREVISION_DEMO.user.email, projectRole: 'viewer' });
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/already a member/);
    expect((await call(url, `/ext/v1/projects/${CHURN.id}/users/${'0'.repeat(24)}`, { method: 'DELETE' })).status).toBe(404);
    const lastAdmin = await call(
      url,
      `/ext/v1/projects/${CHURN.id}/users/${PREVISION_DEMO.user.id}`,
      json('PUT', { projectRole: 'viewer' }),
    );
    expect(lastAdmin.status).toBe(400);
    expect(lastAdmin.body.message).toMatch(/last admin/);
  });
});
