import Module from 'node:module';
import { JSDOM } from 'jsdom';
import type { DashboardDefinition } from './definition.js';

/**
 * Splunk's own definition check, in Node: the JSON schema built from the Enterprise view-only
 * preset and `DashboardValidator`. Importing the preset touches `window`, `matchMedia`,
 * `CustomEvent`, `URL.createObjectURL` and requires CSS, so a jsdom window is installed as
 * the global scope first (dev/test only: this mutates globals of the calling process).
 */
let installed = false;

function installDom(): void {
  if (installed) return;
  installed = true;
  // The dashboard packages require their CSS; Node cannot load it and the schema does not need it.
  (Module as unknown as { _extensions: Record<string, (m: { exports: unknown }) => void> })._extensions['.css'] = (m) => {
    m.exports = {};
  };
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/', pretendToBeVisual: true });
  const w = dom.window as unknown as Record<string, unknown> & { URL: typeof URL };
  const noopMedia = () => ({ matches: false, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {} });
  w.matchMedia = noopMedia;
  w.URL.createObjectURL = () => 'blob:schema';
  // react-search's editor expects ace to have registered itself on window.
  w.ace = { require: () => ({}), define: () => undefined, config: { set() {}, setModuleUrl() {} }, edit: () => ({}) };
  const g = globalThis as unknown as Record<string, unknown>;
  g.window = w;
  // jsdom's event classes must win over Node's, or jsdom's dispatchEvent rejects the events.
  for (const k of ['Event', 'CustomEvent', 'EventTarget', 'KeyboardEvent', 'MouseEvent']) g[k] = w[k];
  for (const k of Object.getOwnPropertyNames(w)) {
    if (!(k in g)) {
      try {
        g[k] = w[k];
      } catch {
        // read-only globals (e.g. crypto) stay Node's
      }
    }
  }
  URL.createObjectURL = () => 'blob:schema';
}

export interface SplunkValidation {
  /** Splunk's validator errors for one definition (after migration to the tabs layout). */
  validate(definition: DashboardDefinition): string[];
  /** Option names each visualization type accepts (from the visualization's own config). */
  optionNames(vizType: string): Set<string> | undefined;
}

export async function loadSplunkValidation(): Promise<SplunkValidation> {
  installDom();
  const { createSchemaBasedOnPresets } = await import('@splunk/dashboard-definition');
  const presetMod = (await import('@splunk/dashboard-presets/EnterpriseViewOnlyPreset')) as { default: unknown };
  const { DashboardValidator } = await import('@splunk/dashboard-validation');
  const { migrateToTabsLayout } = await import('@splunk/dashboard-utils');
  const preset = unwrap(presetMod) as { visualizations: Record<string, { config?: { optionsSchema?: Record<string, unknown> } }> };
  const schema = createSchemaBasedOnPresets(preset as never);
  const validator = new DashboardValidator();
  // ajv prints "strict mode" notes about Splunk's own schema; they are not about our dashboards.
  const warn = console.warn;
  console.warn = () => undefined;
  let err: Error | null;
  try {
    err = validator.setSchema(schema as never);
  } finally {
    console.warn = warn;
  }
  if (err) throw err;
  return {
    validate(definition) {
      const migrated = migrateToTabsLayout({ definition: structuredClone(definition) as never }) as {
        success: boolean;
        definition: unknown;
        reason?: string;
      };
      if (!migrated.success) return [`migration to tabs layout failed: ${migrated.reason ?? 'unknown reason'}`];
      const errors = validator.validate(migrated.definition as never);
      if (!errors) return [];
      const list = Array.isArray(errors) ? errors : Object.values(errors).flat();
      return list.map((e) => {
        const o = e as { instancePath?: string; message?: string; params?: unknown };
        return `${o.instancePath ?? ''} ${o.message ?? JSON.stringify(e)} ${o.params ? JSON.stringify(o.params) : ''}`.trim();
      });
    },
    optionNames(vizType) {
      const schemaOf = preset.visualizations[vizType]?.config?.optionsSchema;
      return schemaOf ? new Set(Object.keys(schemaOf)) : undefined;
    },
  };
}

function unwrap(m: unknown): unknown {
  let v = m as { default?: unknown };
  while (v && typeof v === 'object' && 'default' in v && v.default) v = v.default as { default?: unknown };
  return v;
}
