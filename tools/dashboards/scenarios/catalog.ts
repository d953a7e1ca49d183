import { licenceScenario } from './licence.js';
import { savedSearchScenario } from './saved-searches.js';
import type { Scenario } from './scenario.js';

/** Every scenario: one per dashboard, plus the saved searches'. */
export const SCENARIOS: readonly Scenario[] = [licenceScenario, savedSearchScenario];
