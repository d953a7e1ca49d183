import type { DashboardDefinition } from '../../../src/dashboards/definition.js';

/** Room above the grid for the global time picker. */
const INPUT_BAR = 84;

/** The page header the renderer draws above the dashboard: title, description, provenance. */
export const HEADER_HEIGHT = 78;

/** The fixed window size a dashboard is rendered at: the whole canvas, nothing scrolled. */
export function renderSize(def: DashboardDefinition): { width: number; height: number } {
  const bottom = Math.max(...def.layout.structure.map((s) => s.position.y + s.position.h));
  return { width: def.layout.options.width, height: bottom + INPUT_BAR + HEADER_HEIGHT };
}
