import type { FixtureFile } from '../fixtures/fixture-set.js';
import { SCENARIOS } from './catalog.js';

/**
 * The rows a dashboard replays when rendered outside Splunk: exactly the rows its scenario
 * lists, worked out by hand (tools/dashboards/scenarios), in Splunk's column form.
 */
export function scenarioFixture(view: string): FixtureFile {
  const sc = SCENARIOS.find((s) => s.target === view);
  if (!sc) throw new Error(`no scenario for view ${view} (tools/dashboards/scenarios/catalog.ts)`);
  const dataSources: FixtureFile['dataSources'] = {};
  for (const [id, e] of Object.entries(sc.searches)) {
    dataSources[id] = {
      fields: e.expect.fields.map((name) => ({ name })),
      columns: e.expect.fields.map((_f, c) => e.expect.rows.map((r) => r[c] ?? null)),
    };
  }
  return {
    provenance: `Rows worked out by hand for the scenario "${sc.story}" (now = ${sc.now}), tools/dashboards/scenarios: not computed by code`,
    dataSources,
  };
}
