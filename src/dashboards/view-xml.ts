import { XMLParser } from 'fast-xml-parser';
import type { DashboardDefinition } from './definition.js';

/**
 * Dashboard Studio's file form: `default/data/ui/views/<name>.xml` holding
 * `<dashboard version="2">`, a label, and the JSON definition in a CDATA `<definition>`.
 */
export interface StudioView {
  label: string;
  description: string;
  theme: 'light' | 'dark';
  definition: DashboardDefinition;
}

export class ViewParseError extends Error {
  constructor(file: string, why: string) {
    super(`${file}: ${why}`);
    this.name = 'ViewParseError';
  }
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function toViewXml(view: StudioView): string {
  const json = JSON.stringify(view.definition, null, 4);
  // A CDATA section cannot contain its own terminator; JSON strings never need it.
  if (json.includes(']]>')) throw new Error(`dashboard "${view.label}": definition contains "]]>"`);
  return [
    `<dashboard version="2" theme="${view.theme}">`,
    `    <label>${escapeXml(view.label)}</label>`,
    `    <description>${escapeXml(view.description)}</description>`,
    `    <definition><![CDATA[`,
    json,
    `    ]]></definition>`,
    `    <meta type="hiddenElements"><![CDATA[`,
    `{"hideEdit": false, "hideOpenInSearch": false, "hideExport": false}`,
    `    ]]></meta>`,
    `</dashboard>`,
    '',
  ].join('\n');
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  cdataPropName: '#cdata',
  parseTagValue: false,
  trimValues: true,
});

/** Parses a Studio view file; every problem names the file and what is wrong. */
export function parseViewXml(xml: string, file = '<view>'): StudioView {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch (err) {
    throw new ViewParseError(file, `not well-formed XML: ${(err as Error).message}`);
  }
  const dash = doc.dashboard as Record<string, unknown> | undefined;
  if (!dash || typeof dash !== 'object') throw new ViewParseError(file, 'no <dashboard> root element');
  if (dash['@_version'] !== '2') throw new ViewParseError(file, '<dashboard> must have version="2" (Dashboard Studio)');
  const label = textOf(dash.label);
  if (!label) throw new ViewParseError(file, '<label> is missing or empty');
  const defNode = dash.definition as Record<string, unknown> | undefined;
  const raw = defNode && typeof defNode === 'object' ? defNode['#cdata'] : undefined;
  if (typeof raw !== 'string') throw new ViewParseError(file, '<definition> must hold the JSON definition in CDATA');
  let definition: DashboardDefinition;
  try {
    definition = JSON.parse(raw) as DashboardDefinition;
  } catch (err) {
    throw new ViewParseError(file, `<definition> is not valid JSON: ${(err as Error).message}`);
  }
  const theme = dash['@_theme'] === 'light' ? 'light' : 'dark';
  return { label, description: textOf(dash.description), theme, definition };
}

function textOf(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && '#text' in node) return String((node as Record<string, unknown>)['#text']);
  return '';
}
