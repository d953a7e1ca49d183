import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerReplyError } from '../../src/ser/errors.js';
import { parseSummaryJson, parseSummaryReply } from '../../src/ser/reply.js';

const nested = {
  applicationUsers: [
    {
      applicationName: 'Salesforce',
      applicationUserName: 'sf-notify',
      fromEnvelope: 'noreply@example.com',
      fromHeader: 'example.com',
      status: { success: 10, failure: 2, tempFailure: 3, partialSuccess: 0, inProgress: 1, total: 16, recipientsTotal: 20 },
      messageSizeTotal: 12345,
      deliveredSizeTotal: 10000,
      details: { '2.X.X': 10, '4.X.X': 3, '5.X.X': 2 },
      uid: 'u-1',
    },
  ],
  entitlement: { annual_throughput: 1000000, license_start: '2026-01-01', license_end: '2027-01-01' },
};

describe('SER reply parser', () => {
  it('reads the nested form, keeps unknown fields and maps DSN classes', () => {
    const r = parseSummaryJson(nested);
    expect(r.users[0]).toMatchObject({ application_name: 'Salesforce', application_user: 'sf-notify', success: 10, failure: 2, temp_failure: 3, in_progress: 1, total: 16, recipients_total: 20, message_size_total: 12345, dsn: { '2xx': 10, '4xx': 3, '5xx': 2 }, extra: { uid: 'u-1' } });
    expect(r.entitlement).toEqual({ annual_throughput: 1000000, license_start: Date.parse('2026-01-01T00:00:00Z'), license_end: Date.parse('2027-01-01T00:00:00Z') });
  });

  it('reads the flat form and numbers sent as strings to the same result', () => {
    const u = nested.applicationUsers[0]!;
    const flat = { applicationUsers: [{ ...u, status: undefined, details: undefined, ...u.status, ...u.details }], entitlement: nested.entitlement };
    delete (flat.applicationUsers[0] as Record<string, unknown>).status;
    delete (flat.applicationUsers[0] as Record<string, unknown>).details;
    const strings = JSON.parse(JSON.stringify(nested, (_k, v: unknown) => (typeof v === 'number' ? String(v) : v))) as unknown;
    const a = parseSummaryJson(nested);
    expect(parseSummaryJson(flat)).toEqual(a);
    expect(parseSummaryJson(strings)).toEqual(a);
  });

  it('computes a missing total from the classes and accepts an empty window', () => {
    const u = structuredClone(nested.applicationUsers[0]!) as Record<string, unknown>;
    delete (u.status as Record<string, unknown>).total;
    expect(parseSummaryJson({ applicationUsers: [u] }).users[0]!.total).toBe(16);
    expect(parseSummaryJson({ applicationUsers: [], entitlement: nested.entitlement }).users).toEqual([]);
  });

  it.each([
    ['a status count that is a word', (j: any) => (j.applicationUsers[0].status.success = 'lots'), 'applicationUsers[0].status.success'],
    ['a missing required class', (j: any) => delete j.applicationUsers[0].status.failure, 'applicationUsers[0].status.failure'],
    ['a negative size', (j: any) => (j.applicationUsers[0].messageSizeTotal = -1), 'applicationUsers[0].messageSizeTotal'],
    ['a DSN count that is not a number', (j: any) => (j.applicationUsers[0].details['5.X.X'] = 'x'), 'applicationUsers[0].details["5.X.X"]'],
    ['a user that is not an object', (j: any) => (j.applicationUsers[0] = 3), 'applicationUsers[0]'],
    ['a list that is not a list', (j: any) => (j.applicationUsers = {}), 'applicationUsers'],
    ['a licence date that is not a date', (j: any) => (j.entitlement.license_start = 'soon'), 'entitlement.license_start'],
  ])('names the field for %s', (_what, spoil, path) => {
    const j = structuredClone(nested);
    spoil(j);
    const err = (() => {
      try {
        parseSummaryJson(j);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SerReplyError);
    expect((err as SerReplyError).path).toBe(path);
    expect((err as SerReplyError).message).toContain(path);
  });

  it('refuses a body that is not JSON, or JSON without applicationUsers', () => {
    expect(() => parseSummaryReply('{"applicationUsers": [')).toThrow(SerReplyError);
    expect(() => parseSummaryJson({ something: 1 })).toThrow(/applicationUsers: missing/);
  });

  it('any corrupted count of any user is reported at its own path, never read as zero', () => {
    const keys = ['success', 'failure', 'tempFailure', 'total', 'recipientsTotal'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.nat(), fc.constantFrom(...keys), fc.constantFrom('many', -3, 1.5, true, '12abc'), fc.boolean(), (n, pick, key, bad, flatForm) => {
        const users = Array.from({ length: n }, (_, i) => ({ applicationName: 'A', applicationUserName: `u${i}`, status: { success: 1, failure: 0, tempFailure: 0, total: 1, recipientsTotal: 1 } }));
        const victim = pick % n;
        (users[victim]!.status as Record<string, unknown>)[key] = bad;
        const body = flatForm ? { applicationUsers: users.map((u) => ({ applicationName: u.applicationName, applicationUserName: u.applicationUserName, ...u.status })) } : { applicationUsers: users };
        try {
          parseSummaryJson(body);
          return false;
        } catch (e) {
          expect(e).toBeInstanceOf(SerReplyError);
          expect((e as SerReplyError).path).toBe(flatForm ? `applicationUsers[${victim}].${key}` : `applicationUsers[${victim}].status.${key}`);
          return true;
        }
      }),
    );
  });
});
