import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { AddonError } from '../core/errors.js';

/**
 * The XML splunkd exchanges with a modular input: the `<input>` document of run mode, the
 * `<items>` document of --validate-arguments, the scheme it asks for with --scheme and the
 * `<error>` it shows in Splunk Web. Parsing and building both go through fast-xml-parser.
 */

export type ParamValue = string | string[];

export interface InputStanza {
  /** `scheme://name` in run mode; the bare name in validation. */
  name: string;
  app?: string;
  params: Record<string, ParamValue>;
}

export interface InputDocument {
  serverHost: string;
  serverUri: string;
  sessionKey: string;
  checkpointDir: string;
  stanzas: InputStanza[];
}

export class InputDocumentError extends AddonError {
  constructor(message: string) {
    super('INPUT_XML_INVALID', message);
  }
}

/** splunkd writes UTF-8; the SDKs' fixtures also carry UTF-16 with a byte-order mark. */
export function decodeInputBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  return new TextDecoder('utf-8').decode(bytes);
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => ['stanza', 'item', 'param', 'param_list', 'value'].includes(name),
});

type Node = Record<string, unknown>;

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as Node)) return text((v as Node)['#text']);
  return '';
}

function asNodes(v: unknown): Node[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => (typeof x === 'object' && x !== null ? (x as Node) : { '#text': x }));
}

function readParams(node: Node): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const p of asNodes(node.param)) {
    const name = text(p['@_name']);
    if (name) params[name] = text(p);
  }
  for (const p of asNodes(node.param_list)) {
    const name = text(p['@_name']);
    if (name) params[name] = asNodes(p.value).map((v) => text(v));
  }
  return params;
}

function parseRoot(xml: string, root: 'input' | 'items'): Node {
  if (xml.trim() === '') throw new InputDocumentError(`expected an <${root}> document on stdin, got nothing`);
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (err) {
    throw new InputDocumentError(`splunkd's <${root}> document is not well-formed XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = doc[root];
  // An empty element (<input/>) parses as '': a document with nothing in it.
  if (r === '') return {};
  if (typeof r !== 'object' || r === null) throw new InputDocumentError(`expected an <${root}> document on stdin, got ${Object.keys(doc).map((k) => `<${k}>`).join(', ') || 'nothing'}`);
  return r as Node;
}

function header(r: Node): Omit<InputDocument, 'stanzas'> {
  return {
    serverHost: text(r.server_host),
    serverUri: text(r.server_uri),
    sessionKey: text(r.session_key),
    checkpointDir: text(r.checkpoint_dir),
  };
}

/** Run mode: `<input>` with `<configuration><stanza name="scheme://name" app="…">`. */
export function parseInputDocument(xml: string): InputDocument {
  const r = parseRoot(xml, 'input');
  const conf = r.configuration;
  const stanzas = typeof conf === 'object' && conf !== null ? asNodes((conf as Node).stanza) : [];
  return {
    ...header(r),
    stanzas: stanzas.map((s) => ({ name: text(s['@_name']), app: s['@_app'] === undefined ? undefined : text(s['@_app']), params: readParams(s) })),
  };
}

/** --validate-arguments: `<items>` with one `<item name="…">`. */
export function parseValidationDocument(xml: string): InputDocument {
  const r = parseRoot(xml, 'items');
  return { ...header(r), stanzas: asNodes(r.item).map((s) => ({ name: text(s['@_name']), params: readParams(s) })) };
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: false, processEntities: true });

export interface SchemeArg {
  name: string;
  title: string;
  description: string;
  dataType: 'string' | 'number' | 'boolean';
  requiredOnCreate: boolean;
  requiredOnEdit: boolean;
  validation?: string;
}

export interface Scheme {
  title: string;
  description: string;
  useExternalValidation: boolean;
  useSingleInstance: boolean;
  streamingMode: 'xml' | 'simple';
  args: SchemeArg[];
}

export function buildSchemeXml(s: Scheme): string {
  const arg = s.args.map((a) => ({
    '@_name': a.name,
    title: a.title,
    description: a.description,
    ...(a.validation ? { validation: a.validation } : {}),
    data_type: a.dataType,
    required_on_create: String(a.requiredOnCreate),
    required_on_edit: String(a.requiredOnEdit),
  }));
  return builder.build({
    scheme: {
      title: s.title,
      description: s.description,
      use_external_validation: String(s.useExternalValidation),
      use_single_instance: String(s.useSingleInstance),
      streaming_mode: s.streamingMode,
      endpoint: { args: { arg } },
    },
  }) as string;
}

/** What Splunk Web shows when --validate-arguments refuses the values. */
export function buildErrorXml(message: string): string {
  return builder.build({ error: { message } }) as string;
}
