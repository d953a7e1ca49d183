/**
 * The subset of Dashboard Studio's definition JSON the app's dashboards use, typed so a typo
 * in a builder is a compile error. The full schema check is Splunk's own validator (tests).
 */
export interface DataSourceDef {
  type: 'ds.search' | 'ds.chain' | 'ds.savedSearch';
  name: string;
  options: {
    /** ds.search, ds.chain: the SPL. A ds.savedSearch runs none: it reads `ref`'s last scheduled result. */
    query?: string;
    /** ds.savedSearch only: the saved search's name (savedsearches.conf stanza). */
    ref?: string;
    /** ds.chain only: the id of the data source this one extends. */
    extend?: string;
    queryParameters?: { earliest: string; latest: string };
    enableSmartSources?: boolean;
  };
}

export interface VisualizationDef {
  type: string;
  title?: string;
  description?: string;
  dataSources?: { primary: string };
  options?: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** Drilldowns (drilldown.customUrl: to a dashboard, to Search, to a search job). */
  eventHandlers?: EventHandlerDef[];
}

export interface EventHandlerDef {
  type: 'drilldown.customUrl';
  options: Record<string, unknown>;
}

export interface InputDef {
  type: string;
  title: string;
  options: Record<string, unknown>;
  dataSources?: { primary: string };
  context?: Record<string, unknown>;
}

export interface LayoutItem {
  item: string;
  type: 'block';
  position: { x: number; y: number; w: number; h: number };
}

export interface DashboardDefinition {
  title: string;
  description: string;
  inputs: Record<string, InputDef>;
  defaults: Record<string, unknown>;
  dataSources: Record<string, DataSourceDef>;
  visualizations: Record<string, VisualizationDef>;
  layout: {
    type: 'grid';
    options: { width: number; height?: number };
    structure: LayoutItem[];
    globalInputs: string[];
  };
}

/** One shipped dashboard: the view file name (without .xml) and its definition. */
export interface ShippedDashboard {
  view: string;
  label: string;
  description: string;
  definition: DashboardDefinition;
}
