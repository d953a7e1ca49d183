import { addonHealthScenario } from './addon-health.js';
import { coverageScenario } from './coverage.js';
import { licenceScenario } from './licence.js';
import { mailMetadataScenario } from './mail-metadata.js';
import { savedSearchScenario } from './saved-searches.js';
import type { Scenario } from './scenario.js';
import { sendAuditScenario } from './send-audit.js';
import { serHealthScenario } from './ser-health.js';

/** Every scenario: one per dashboard, plus the saved searches'. */
export const SCENARIOS: readonly Scenario[] = [
  serHealthScenario,
  licenceScenario,
  coverageScenario,
  mailMetadataScenario,
  sendAuditScenario,
  addonHealthScenario,
  savedSearchScenario,
];
