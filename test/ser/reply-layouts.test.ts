import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { SerReplyError } from '../../src/ser/errors.js';
import { serSummaryEventSchema } from '../../src/ser/event-schema.js';
import { windowEvents } from '../../src/ser/events.js';
import { parseSummaryJson } from '../../src/ser/reply.js';

/**
 * The documents' tag table (ser-report-api.pt.txt / .es.txt, "CATEGORIA / TAG"), written here
 * independently of the parser: every layout the table allows must read to the same events.
 */
const TABLE = {
  status: ['success', 'failure', 'tempFailure', 'partialSuccess', 'inProgress', 'total', 'recipientsTotal'],
  messageSizeTotal: ['messageSizeTotal', 'deliveredSizeTotal'],
  details: ['2.X.X', '3.X.X', '4.X.X', '5.X.X'],
  entitlement: ['annual_throughput', 'license_start', 'license_end'],
} as const;
type Category = keyof typeof TABLE;
const CATEGORIES = Object.keys(TABLE) as Category[];

/** The event field each tag becomes. */
const FIELD: Record<string, string> = {
  success: 'success',
  failure: 'failure',
  tempFailure: 'temp_failure',
  partialSuccess: 'partial_success',
  inProgress: 'in_progress',
  total: 'total',
  recipientsTotal: 'recipients_total',
  messageSizeTotal: 'message_size_total',
  deliveredSizeTotal: 'delivered_size_total',
  '2.X.X': 'dsn_2xx',
  '3.X.X': 'dsn_3xx',
  '4.X.X': 'dsn_4xx',
  '5.X.X': 'dsn_5xx',
};

/** DSN keys as the table writes them and the other spellings the input accepts. */
const DSN_SPELLINGS: Array<(tag: string) => string> = [(t) => t, (t) => t.toLowerCase(), (t) => `${t[0]}xx`, (t) => `dsn_${t[0]}xx`];

interface Layout {
  nested: Record<Category, boolean>;
  dsn: number;
}

/** Every combination: each category nested or flat, times every DSN spelling. */
const LAYOUTS: Layout[] = [];
for (let mask = 0; mask < 1 << CATEGORIES.length; mask++) {
  for (let dsn = 0; dsn < DSN_SPELLINGS.length; dsn++) {
    LAYOUTS.push({ nested: Object.fromEntries(CATEGORIES.map((c, i) => [c, (mask & (1 << i)) !== 0])) as Record<Category, boolean>, dsn });
  }
}

const userArb = fc.record({
  applicationName: fc.string({ maxLength: 12 }),
  applicationUserName: fc.string({ minLength: 1, maxLength: 12 }),
  fromEnvelope: fc.constantFrom('noreply@example.com', 'example.com', 'a@example.org'),
  fromHeader: fc.constantFrom('example.com', 'hr@example.com'),
  counts: fc.record(Object.fromEntries([...TABLE.status, ...TABLE.messageSizeTotal, ...TABLE.details].map((t) => [t, fc.nat({ max: 1_000_000 })])) as Record<string, fc.Arbitrary<number>>),
  asText: fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
});
type User = typeof userArb extends fc.Arbitrary<infer U> ? U : never;

function render(u: User, layout: Layout): Record<string, unknown> {
  const out: Record<string, unknown> = { applicationName: u.applicationName, applicationUserName: u.applicationUserName, fromEnvelope: u.fromEnvelope, fromHeader: u.fromHeader };
  let k = 0;
  // Numbers as JSON numbers or numeric strings, chosen per value.
  const num = (n: number): number | string => (u.asText[k++ % u.asText.length] ? String(n) : n);
  for (const cat of ['status', 'messageSizeTotal', 'details'] as const) {
    const entries = TABLE[cat].map((t) => [cat === 'details' ? DSN_SPELLINGS[layout.dsn]!(t) : t, num(u.counts[t]!)] as const);
    if (layout.nested[cat]) out[cat] = Object.fromEntries(entries);
    else for (const [key, v] of entries) out[key] = v;
  }
  return out;
}

const W = { start: Date.parse('2026-11-01T05:00:00Z'), end: Date.parse('2026-11-01T06:00:00Z') };
const ENT = { annual_throughput: '5000000000000', license_start: '2026-05-01', license_end: '2027-05-01' };

describe('SER reply: every layout the documents allow', () => {
  it(`reads each of the ${LAYOUTS.length} combinations of nested/flat categories and DSN spellings to the same events`, () => {
    for (const layout of LAYOUTS) {
      fc.assert(
        fc.property(fc.uniqueArray(userArb, { minLength: 0, maxLength: 4, selector: (u) => `${u.applicationName}|${u.applicationUserName}|${u.fromEnvelope}|${u.fromHeader}` }), (users) => {
          const reply: Record<string, unknown> = { applicationUsers: users.map((u) => render(u, layout)) };
          if (layout.nested.entitlement) reply.entitlement = ENT;
          else Object.assign(reply, ENT);
          const parsed = parseSummaryJson(JSON.parse(JSON.stringify(reply)));
          expect(parsed.entitlement).toEqual({ annual_throughput: 5_000_000_000_000, license_start: Date.parse('2026-05-01T00:00:00Z'), license_end: Date.parse('2027-05-01T00:00:00Z') });
          const events = windowEvents({ account: 'acme' }, W, 0, W.end, parsed.users);
          const summaries = events.filter((e) => e.sourcetype === SOURCETYPES.serSummary);
          expect(summaries).toHaveLength(users.length);
          for (const u of users) {
            const e = summaries.find((s) => {
              const b = s.event as Record<string, unknown>;
              return b.application_name === u.applicationName && b.application_user === u.applicationUserName && b.from_envelope === u.fromEnvelope && b.from_header === u.fromHeader;
            });
            expect(e, `event of ${u.applicationUserName}`).toBeDefined();
            const body = e!.event as Record<string, unknown>;
            for (const [tag, n] of Object.entries(u.counts)) expect(body[FIELD[tag]!], `${tag} in layout ${JSON.stringify(layout)}`).toBe(n);
            expect(serSummaryEventSchema.safeParse(body).success).toBe(true);
            // Nothing of the documented table is left over as "unknown".
            expect(body.extra).toBeUndefined();
          }
          const coverage = events.find((e) => e.sourcetype === SOURCETYPES.serCoverage)!.event as Record<string, number>;
          expect(coverage.total).toBe(users.reduce((a, u) => a + u.counts.total!, 0));
        }),
        { numRuns: 8 },
      );
    }
  });

  it('reads the Spanish table\'s reading of the size tags as their own categories', () => {
    const r = parseSummaryJson({ applicationUsers: [{ applicationUserName: 'u', status: { success: 1, failure: 0, tempFailure: 0 }, messageSizeTotal: { messageSizeTotal: '10' }, deliveredSizeTotal: { deliveredSizeTotal: 9 } }] });
    expect(r.users[0]).toMatchObject({ message_size_total: 10, delivered_size_total: 9 });
  });

  it('reads the entitlement category flattened onto (or nested in) each application user; users that disagree are named', () => {
    const user = (extra: Record<string, unknown>) => ({ applicationUserName: 'u', status: { success: 1, failure: 0, tempFailure: 0 }, ...extra });
    const flat = parseSummaryJson({ applicationUsers: [user(ENT), user(ENT)] });
    expect(flat.entitlement).toEqual({ annual_throughput: 5_000_000_000_000, license_start: Date.parse('2026-05-01T00:00:00Z'), license_end: Date.parse('2027-05-01T00:00:00Z') });
    expect(flat.users.every((u) => Object.keys(u.extra).length === 0)).toBe(true);
    expect(parseSummaryJson({ applicationUsers: [user({ entitlement: ENT })] }).entitlement).toEqual(flat.entitlement);
    expect(() => parseSummaryJson({ applicationUsers: [user(ENT), user({ ...ENT, license_start: '2026-06-01' })] })).toThrow(/applicationUsers\[1\]\.license_start: given twice with different values/);
  });

  it('refuses a tag given nested and flat with different values, naming both places', () => {
    expect(() => parseSummaryJson({ applicationUsers: [{ applicationUserName: 'u', status: { success: 1, failure: 0, tempFailure: 0 }, success: 2 }] })).toThrow(/applicationUsers\[0\]\.success: given twice with different values .*status\.success/);
  });
});

function errorOf(json: unknown): SerReplyError {
  try {
    parseSummaryJson(json);
  } catch (e) {
    expect(e).toBeInstanceOf(SerReplyError);
    return e as SerReplyError;
  }
  throw new Error('the reply was accepted');
}

describe('SER reply: never a silent zero', () => {
  const ent = { entitlement: ENT };
  it.each([
    ['missing', { ...ent }, /applicationUsers: missing/],
    ['null', { applicationUsers: null, ...ent }, /applicationUsers: null/],
    ['misspelled', { ApplicationUsers: [], ...ent }, /applicationUsers: missing \(the reply has "ApplicationUsers"/],
    ['snake case', { application_users: [], ...ent }, /the reply has "application_users"/],
    ['not a list', { applicationUsers: { a: 1 }, ...ent }, /applicationUsers: expected a list of application users, got an object/],
  ])('applicationUsers %s is SER_REPLY_INVALID naming the field', (_what, json, message) => {
    const err = errorOf(json);
    expect(err.code).toBe('SER_REPLY_INVALID');
    expect(err.path).toBe('applicationUsers');
    expect(err.message).toMatch(message);
  });

  it('a present, empty list is a window without traffic', () => {
    expect(parseSummaryJson({ applicationUsers: [], ...ent }).users).toEqual([]);
  });
});

describe('SER reply: errors say what was expected', () => {
  const base = () => ({ applicationUsers: [{ applicationUserName: 'u', status: { success: 1, failure: 0, tempFailure: 0 }, messageSizeTotal: 5 }] });
  it('a missing field says "missing"', () => {
    const j = base();
    delete (j.applicationUsers[0]!.status as Record<string, unknown>).failure;
    const err = errorOf(j);
    expect(err.message).toBe('SER reply field applicationUsers[0].status.failure: missing');
  });

  it.each([
    ['an object', { a: 1 }, 'got an object'],
    ['a list', [1], 'got a list'],
    ['a word', 'lots', 'got the text "lots"'],
    ['a boolean', true, 'got boolean true'],
    ['a negative number', -3, 'got number -3'],
    ['a fraction', 1.5, 'got number 1.5'],
  ])('a count that is %s says the expected type, never "Invalid input"', (_what, value, got) => {
    const j = base() as { applicationUsers: Array<Record<string, unknown>> };
    j.applicationUsers[0]!.recipientsTotal = value;
    const err = errorOf(j);
    expect(err.message).toBe(`SER reply field applicationUsers[0].recipientsTotal: expected a whole number of 0 or more (a JSON number or a numeric string), ${got}`);
    expect(err.message).not.toMatch(/Invalid input/);
  });

  it('a size category without its tags is named, not read as no size', () => {
    expect(errorOf({ applicationUsers: [{ applicationUserName: 'u', status: { success: 1, failure: 0, tempFailure: 0 }, deliveredSizeTotal: { bytes: 3 } }] }).path).toBe('applicationUsers[0].deliveredSizeTotal');
  });

  it('a category that is not an object is named', () => {
    expect(errorOf({ applicationUsers: [{ applicationUserName: 'u', status: 7 }] }).message).toBe('SER reply field applicationUsers[0].status: expected an object of the "status" category, got number 7');
  });
});
