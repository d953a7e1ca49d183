/**
 * The browser page that renders one shipped dashboard with Splunk's own framework
 * (DashboardCore + the Enterprise view-only preset). Search data sources are swapped for one
 * that replays fixture rows keyed by data source id, so no Splunk server is involved.
 * Dev/test only: bundled by esbuild into a temp dir, never into the app.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import * as CoreModule from '@splunk/dashboard-core';
import { DashboardContextProvider } from '@splunk/dashboard-context';
import * as PresetModule from '@splunk/dashboard-presets/EnterpriseViewOnlyPreset';
import * as CloudPresetModule from '@splunk/dashboard-presets/CloudViewOnlyPreset';
import { TestDataSource } from '@splunk/datasources';
import * as ThemeModule from '@splunk/themes/SplunkThemeProvider';
import { HEADER_HEIGHT } from './size.js';

// These packages are CommonJS with a `default` export; esbuild's interop may wrap it once more.
const unwrap = <T,>(m: unknown): T => {
  let v = m as { default?: unknown };
  while (v && typeof v === 'object' && 'default' in v && v.default) v = v.default as { default?: unknown };
  return v as T;
};
const DashboardCore = unwrap<React.ComponentType<{ width: number; height: number }>>(CoreModule);
type Preset = { dataSources: Record<string, unknown>; inputs: Record<string, unknown> };
const EnterpriseViewOnlyPreset = unwrap<Preset>(PresetModule);
const CloudViewOnlyPreset = unwrap<Preset>(CloudPresetModule);
const SplunkThemeProvider = unwrap<React.ComponentType<Record<string, unknown>>>(ThemeModule);

interface FixtureColumns {
  fields: Array<{ name: string }>;
  columns: unknown[][];
}

interface PageInput {
  definition: Record<string, unknown>;
  fixtures: Record<string, FixtureColumns>;
  theme: 'dark' | 'light';
  width: number;
  height: number;
}

const input = (window as unknown as { __DASHBOARD_INPUT__: PageInput }).__DASHBOARD_INPUT__;
const missing: string[] = [];

class FixtureDataSource extends TestDataSource {
  constructor(options: Record<string, unknown> = {}, context: { id?: string } = {}) {
    const id = context.id ?? '';
    const rows = input.fixtures[id];
    if (!rows) missing.push(id);
    super({ data: (rows ?? { fields: [], columns: [] }) as never }, context);
  }
}

// Each replaced type keeps its original static `config` (chain rules: which types extend which).
const replaced = Object.fromEntries(
  ['ds.search', 'ds.savedSearch', 'ds.chain'].map((type) => {
    const original = EnterpriseViewOnlyPreset.dataSources[type] as { config?: unknown } | undefined;
    const cls = class extends FixtureDataSource {};
    Object.defineProperty(cls, 'config', { value: original?.config });
    return [type, cls];
  }),
);

const preset = {
  ...EnterpriseViewOnlyPreset,
  dataSources: { ...EnterpriseViewOnlyPreset.dataSources, ...replaced },
  // The Enterprise time picker asks splunkweb for its presets; the framework's generic one does not.
  inputs: { ...EnterpriseViewOnlyPreset.inputs, 'input.timerange': CloudViewOnlyPreset.inputs['input.timerange'] },
};

(window as unknown as { __MISSING_FIXTURES__: string[] }).__MISSING_FIXTURES__ = missing;

/**
 * What Splunk shows above a dashboard (its title and description), plus what a picture in the
 * docs must say about itself: the rows are fixtures and the times are UTC. Deliberately no
 * data-test attribute, so it is never mistaken for a panel title.
 */
function Header(): React.ReactElement {
  const dark = input.theme === 'dark';
  const def = input.definition as { title?: string; description?: string };
  return (
    <div style={{ height: HEADER_HEIGHT, boxSizing: 'border-box', padding: '10px 8px 0', fontFamily: 'Splunk Platform Sans, Proxima Nova, Helvetica, Arial, sans-serif', background: dark ? '#171d21' : '#ffffff', color: dark ? '#e1e6eb' : '#2b3033' }}>
      <div style={{ fontSize: 20, fontWeight: 600 }}>{def.title}</div>
      <div style={{ fontSize: 12, marginTop: 4, opacity: 0.85, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{def.description}</div>
      <div style={{ fontSize: 12, marginTop: 4, color: '#f8be34' }}>
        Rendered outside Splunk from the rows of a hand-worked scenario (tools/dashboards/scenarios) · all times UTC
      </div>
    </div>
  );
}

const root = createRoot(document.getElementById('root') as HTMLElement);
root.render(
  <SplunkThemeProvider family="enterprise" colorScheme={input.theme} density="comfortable">
    <Header />
    <DashboardContextProvider preset={preset as never} initialDefinition={input.definition as never}>
      {/* Taller than the window: the canvas never needs its own scrollbar (which would take width). */}
      <DashboardCore width={input.width + 18} height={input.height + 400} />
    </DashboardContextProvider>
  </SplunkThemeProvider>,
);
