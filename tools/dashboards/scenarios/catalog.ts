import { licenceScenario } from './licence.js';
import type { Scenario } from './scenario.js';

/** Every scenario: one per dashboard, plus the saved searches'. */
export const SCENARIOS: readonly Scenario[] = [licenceScenario];
