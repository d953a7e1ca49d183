import type { DashboardDefinition, DataSourceDef, EventHandlerDef, InputDef, LayoutItem, VisualizationDef } from './definition.js';

/**
 * One look for every dashboard the app ships: the same canvas width, row heights, palette,
 * single-value style and time picker. Definitions are written with this builder so a style
 * change is made once.
 */
export const CANVAS_WIDTH = 1440;
export const ROW = { kpi: 130, chart: 330, table: 330, shortTable: 190, mediumTable: 240, tallTable: 460 } as const;

/** Outcome colours, the same meaning on every dashboard. */
export const COLOR = {
  success: '#53A051',
  failure: '#DC4E41',
  tempFailure: '#F1813F',
  inProgress: '#006D9C',
  partial: '#B57EDC',
  neutral: '#7B56DB',
  /** Something to look at that is not a failure (e.g. mail sent after hours). */
  attention: '#F8BE34',
  muted: '#8C8C8C',
} as const;

export const TIME_TOKEN = 'global_time';

export interface BuilderOptions {
  title: string;
  description: string;
  /** Default of the time picker, e.g. "-7d@h". */
  defaultEarliest: string;
}

export class DashboardBuilder {
  private readonly def: DashboardDefinition;
  private y = 0;

  constructor(opts: BuilderOptions) {
    const timeInput: InputDef = {
      type: 'input.timerange',
      title: 'Time range',
      options: { token: TIME_TOKEN, defaultValue: `${opts.defaultEarliest},now` },
    };
    this.def = {
      title: opts.title,
      description: opts.description,
      inputs: { input_time: timeInput },
      defaults: {
        dataSources: {
          'ds.search': {
            options: {
              queryParameters: { earliest: `$${TIME_TOKEN}.earliest$`, latest: `$${TIME_TOKEN}.latest$` },
            },
          },
        },
      },
      dataSources: {},
      visualizations: {},
      layout: { type: 'grid', options: { width: CANVAS_WIDTH }, structure: [], globalInputs: ['input_time'] },
    };
  }

  /**
   * A dropdown in the global input bar whose choices are "All" (value `*`) plus one per value
   * of `field` in data source `ds`; searches read the choice as `$<token>$`.
   */
  dropdown(id: string, title: string, token: string, ds: string, field: string): this {
    if (!this.def.dataSources[ds]) throw new Error(`dropdown ${id}: data source ${ds} not defined yet`);
    this.def.inputs[id] = {
      type: 'input.dropdown',
      title,
      options: { items: '>frame(label, value) | prepend(formattedStatics) | objects()', token, defaultValue: '*' },
      dataSources: { primary: ds },
      context: {
        formattedConfig: { number: { prefix: '' } },
        formattedStatics: '>statics | formatByType(formattedConfig)',
        statics: [['All'], ['*']],
        label: `>primary | seriesByName("${field}") | renameSeries("label") | formatByType(formattedConfig)`,
        value: `>primary | seriesByName("${field}") | renameSeries("value") | formatByType(formattedConfig)`,
      },
    };
    this.def.layout.globalInputs.push(id);
    return this;
  }

  /** A free-text filter in the global input bar; `*` (the default) matches everything. */
  textFilter(id: string, title: string, token: string): this {
    this.def.inputs[id] = { type: 'input.text', title, options: { token, defaultValue: '*' } };
    this.def.layout.globalInputs.push(id);
    return this;
  }

  /** A search; `fixedRange` pins its time range (e.g. licence since its start) instead of the picker. */
  search(id: string, name: string, query: string, fixedRange?: { earliest: string; latest: string }): this {
    const ds: DataSourceDef = { type: 'ds.search', name, options: { query: clean(query) } };
    if (fixedRange) ds.options.queryParameters = fixedRange;
    this.addDs(id, ds);
    return this;
  }

  /**
   * The last scheduled result of saved search `ref` (no search runs when the dashboard
   * loads); chains may post-process it like a base search.
   */
  savedSearch(id: string, name: string, ref: string): this {
    this.addDs(id, { type: 'ds.savedSearch', name, options: { ref } });
    return this;
  }

  /** Drilldowns of an already placed visualization. */
  drilldown(vizId: string, ...handlers: EventHandlerDef[]): this {
    const viz = this.def.visualizations[vizId];
    if (!viz) throw new Error(`drilldown: visualization ${vizId} not placed yet`);
    viz.eventHandlers = [...(viz.eventHandlers ?? []), ...handlers];
    return this;
  }

  /** A post-process search on `base`'s results: one job serves several panels. */
  chain(id: string, base: string, name: string, query: string): this {
    if (!this.def.dataSources[base]) throw new Error(`chain ${id}: base data source ${base} not defined yet`);
    this.addDs(id, { type: 'ds.chain', name, options: { extend: base, query: clean(query) } });
    return this;
  }

  /** A row of panels sharing the canvas width; `weights` sets relative widths. */
  row(height: number, panels: Array<[string, VisualizationDef]>, weights?: number[]): this {
    const w = weights ?? panels.map(() => 1);
    if (w.length !== panels.length) throw new Error('row: one weight per panel');
    const total = w.reduce((a, b) => a + b, 0);
    let x = 0;
    panels.forEach(([id, viz], i) => {
      if (this.def.visualizations[id]) throw new Error(`visualization ${id} defined twice`);
      const width = i === panels.length - 1 ? CANVAS_WIDTH - x : Math.round((CANVAS_WIDTH * (w[i] ?? 1)) / total);
      this.def.visualizations[id] = viz;
      const item: LayoutItem = { item: id, type: 'block', position: { x, y: this.y, w: width, h: height } };
      this.def.layout.structure.push(item);
      x += width;
    });
    this.y += height;
    return this;
  }

  build(): DashboardDefinition {
    return structuredClone(this.def);
  }

  private addDs(id: string, ds: DataSourceDef): void {
    if (this.def.dataSources[id]) throw new Error(`data source ${id} defined twice`);
    this.def.dataSources[id] = ds;
  }
}

/** Searches are written as indented template strings; Splunk gets one tidy line per command. */
function clean(query: string): string {
  return query
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

export function single(
  title: string,
  ds: string,
  opts: {
    /** The column to show (default: the first). */
    field?: string;
    unit?: string;
    underLabel?: string;
    color?: string;
    precision?: number;
    colorRanges?: Array<{ from?: number; to?: number; value: string }>;
    /** Colour by another column of the same row (e.g. a date coloured by days of margin). */
    colorField?: string;
  } = {},
): VisualizationDef {
  const options: Record<string, unknown> = {
    majorColor: opts.color ?? COLOR.neutral,
    sparklineDisplay: 'off',
    trendDisplay: 'off',
    numberPrecision: opts.precision ?? 0,
    shouldUseThousandSeparators: true,
  };
  if (opts.field) options.majorValue = `> primary | seriesByName('${opts.field}') | lastPoint()`;
  if (opts.unit) options.unit = opts.unit;
  if (opts.underLabel) options.underLabel = opts.underLabel;
  const viz: VisualizationDef = { type: 'splunk.singlevalue', title, dataSources: { primary: ds }, options };
  if (opts.colorRanges) {
    options.majorColor = opts.colorField
      ? `> primary | seriesByName('${opts.colorField}') | lastPoint() | rangeValue(majorColorEditorConfig)`
      : '> majorValue | rangeValue(majorColorEditorConfig)';
    viz.context = { majorColorEditorConfig: opts.colorRanges };
  }
  return viz;
}

type ChartKind = 'line' | 'area' | 'column' | 'bar';

export function chart(
  kind: ChartKind,
  title: string,
  ds: string,
  opts: {
    stacked?: boolean;
    colors?: Record<string, string>;
    yTitle?: string;
    xTitle?: string;
    description?: string;
    /** Hide the y-axis numbers (a presence strip, where the height means nothing). */
    hideYLabels?: boolean;
  } = {},
): VisualizationDef {
  const options: Record<string, unknown> = {
    legendDisplay: 'bottom',
    yAxisTitleText: opts.yTitle ?? '',
    xAxisTitleVisibility: opts.xTitle ? 'show' : 'hide',
  };
  if (opts.hideYLabels) {
    options.yAxisLabelVisibility = 'hide';
    options.yAxisMajorTickVisibility = 'hide';
    options.showYMajorGridLines = false;
  }
  if (opts.xTitle) options.xAxisTitleText = opts.xTitle;
  if (opts.stacked && kind !== 'line') options.stackMode = 'stacked';
  if (opts.colors) options.seriesColorsByField = opts.colors;
  const viz: VisualizationDef = { type: `splunk.${kind}`, title, dataSources: { primary: ds }, options };
  if (opts.description) viz.description = opts.description;
  return viz;
}

export function pie(title: string, ds: string, colors?: Record<string, string>): VisualizationDef {
  const options: Record<string, unknown> = { showDonutHole: true, labelDisplay: 'valuesAndPercentage' };
  if (colors) options.seriesColorsByField = colors;
  return { type: 'splunk.pie', title, dataSources: { primary: ds }, options };
}

export function table(title: string, ds: string, description?: string, widths?: Record<string, number>): VisualizationDef {
  const options: Record<string, unknown> = { count: 10, showRowNumbers: false };
  if (widths) options.columnFormat = Object.fromEntries(Object.entries(widths).map(([col, width]) => [col, { width }]));
  const viz: VisualizationDef = { type: 'splunk.table', title, dataSources: { primary: ds }, options };
  if (description) viz.description = description;
  return viz;
}

export function note(markdown: string): VisualizationDef {
  return { type: 'splunk.markdown', options: { markdown, fontSize: 'small' } };
}

/**
 * Drilldowns are drilldown.customUrl, the one link handler every Dashboard Studio preset has.
 * A token in a URL is written `$name|u$` (URL-encoded by Studio); the text around it is encoded
 * here, once.
 */
const APP_PATH = '/app/TA-ser-mail';

/** Encodes `text` for a URL, leaving `$token$` references in place as `$token|u$`. */
function encodeWithTokens(text: string): string {
  return text
    .split(/(\$[A-Za-z_][\w.]*\$)/)
    .map((part) => (/^\$[A-Za-z_][\w.]*\$$/.test(part) ? `${part.slice(0, -1)}|u$` : encodeURIComponent(part)))
    .join('');
}

/** The search text of a URL made by toSearch (for the checks that hold drilldown searches). */
export function searchOfUrl(url: string): string | undefined {
  const q = /[?&]q=([^&]*)/.exec(url)?.[1];
  if (q === undefined) return undefined;
  return q
    .split(/(\$[A-Za-z_][\w.]*\|u\$)/)
    .map((part) => (/^\$[A-Za-z_][\w.]*\|u\$$/.test(part) ? part.replace('|u$', '$') : decodeURIComponent(part)))
    .join('');
}

/** Drilldown to another of the app's dashboards, setting its input tokens from the clicked row. */
export function toDashboard(dashboard: string, tokens: Record<string, string>): EventHandlerDef {
  const query = Object.entries(tokens)
    .map(([token, value]) => `form.${encodeURIComponent(token)}=$${value}|u$`)
    .join('&');
  return { type: 'drilldown.customUrl', options: { url: `${APP_PATH}/${dashboard}?${query}`, newTab: false } };
}

/** Drilldown to Search with `query` (tokens such as $row.event_id.value$ allowed), over the picker's range. */
export function toSearch(query: string): EventHandlerDef {
  const url = `${APP_PATH}/search?q=${encodeWithTokens(`search ${query}`)}&earliest=$global_time.earliest|u$&latest=$global_time.latest|u$`;
  return { type: 'drilldown.customUrl', options: { url, newTab: true } };
}

/** Drilldown to a URL (e.g. a search job by its sid); tokens in it are URL-encoded. */
export function toUrl(url: string): EventHandlerDef {
  return { type: 'drilldown.customUrl', options: { url: url.replace(/\$([A-Za-z_][\w.]*)\$/g, '$$$1|u$$'), newTab: true } };
}
