import { DASHBOARDS, THEME } from './catalog.js';
import { toViewXml } from './view-xml.js';

/** Path inside the app folder of a dashboard's view file. */
export const viewPath = (view: string): string => `default/data/ui/views/${view}.xml`;

/** The view files the app ships, generated from src/dashboards/definitions (path → content). */
export function viewFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of DASHBOARDS) {
    out.set(viewPath(d.view), toViewXml({ label: d.label, description: d.description, theme: THEME, definition: d.definition }));
  }
  return out;
}
