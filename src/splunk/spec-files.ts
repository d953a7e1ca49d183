import type { z } from 'zod';
import { loggingSchema } from '../core/logging-config.js';
import { proxySchema } from '../core/proxy-config.js';
import type { ModularInput } from './define-input.js';
import { ACCOUNT_KIND, HEC_KIND, nodeSettingsSchema, PROXY_REALM, SEND_KIND, splunkdSettingsSchema } from './named-settings.js';
import { schemeXml, declaredSettings, secretParams } from './scheme.js';
import { confValue, settingsOf, type SettingInfo } from './schema-args.js';
import { WRAPPER_ENTRIES, wrapperCmd, wrapperSh } from './wrappers.js';

/**
 * The files generated from the zod schemas (`npm run generate` writes them; a
 * test fails when the committed copies drift): README/inputs.conf.spec, the spec of each
 * ta_ser_mail_*.conf, each input's scheme XML (a golden copy under test/splunk/fixtures) and
 * the bin/ wrappers (`.sh` files are written executable).
 */
const HEADER = '# Generated from the zod schemas by src/splunk/spec-files.ts (npm run generate). Do not edit.\n';

function typeWord(s: SettingInfo): string {
  if (s.enumValues) return s.enumValues.join('|');
  if (s.dataType === 'boolean') return '<boolean>';
  if (s.dataType === 'number') return s.integer ? '<integer>' : '<number>';
  return '<string>';
}

function settingLines(s: SettingInfo, realm?: string): string {
  const lines = [`${s.name} = ${typeWord(s)}`, `* ${s.description}`];
  if (s.dataType === 'boolean') lines.push('* Accepts 1/0, true/false, yes/no.');
  if (s.integer || s.min !== undefined || s.max !== undefined) {
    const range = [s.min !== undefined ? `at least ${s.min}` : '', s.max !== undefined ? `at most ${s.max}` : ''].filter(Boolean).join(', ');
    if (range) lines.push(`* Range: ${range}.`);
  }
  if (realm) lines.push(`* Secret: keep it in storage/passwords (realm ${realm}, username = the stanza name). A value typed here is moved there on first use and replaced by ********.`);
  if (s.required && !realm) lines.push('* Required.');
  if (s.defaultValue !== undefined && confValue(s.defaultValue) !== '') lines.push(`* Default: ${confValue(s.defaultValue)}`);
  return lines.join('\n');
}

function stanzaBlock(header: string, about: string, settings: SettingInfo[], secrets: Record<string, string>): string {
  const body = settings.map((s) => settingLines(s, secrets[s.name])).join('\n\n');
  return `${header}\n* ${about}\n\n${body}\n`;
}

export function inputsSpec(inputs: ModularInput[]): string {
  const blocks = inputs.map((i) => stanzaBlock(`[${i.kind}://<name>]`, i.description, declaredSettings(i), secretParams(i)));
  return `${HEADER}# The modular inputs of TA-ser-mail. splunkd also passes index, host, interval, sourcetype and disabled.\n\n${blocks.join('\n')}`;
}

function namedSpec(kind: { file: string; what: string; schema: z.ZodType; secrets: Record<string, string> }, about: string): string {
  return `${HEADER}\n${stanzaBlock('[<name>]', about, settingsOf(kind.schema), kind.secrets)}`;
}

export function settingsSpec(): string {
  const blocks = [
    stanzaBlock('[proxy]', 'Outbound HTTP(S) proxy for every client (SER, HEC, send service). A password goes to storage/passwords (realm ta_ser_mail_proxy, username proxy) and joins the user named in url.', settingsOf(proxySchema), {}),
    stanzaBlock('[logging]', 'How much the program writes to splunkd.log (index=_internal component=ExecProcessor).', settingsOf(loggingSchema), {}),
    stanzaBlock('[node]', 'The Node.js (>= 20) the bin/ wrappers run. Read from disk by the wrappers, not through splunkd.', settingsOf(nodeSettingsSchema), {}),
    stanzaBlock('[splunkd]', "How the program trusts splunkd's management certificate (server_uri). Read from disk; TA_SER_MAIL_SPLUNKD_CA_FILE, TA_SER_MAIL_SPLUNKD_SERVER_NAME and TA_SER_MAIL_SPLUNKD_INSECURE_LOCALHOST override.", settingsOf(splunkdSettingsSchema), {}),
  ];
  return `${HEADER}# proxy password realm: ${PROXY_REALM}\n\n${blocks.join('\n')}`;
}

/**
 * Every input's --scheme answer as text in the bundle: splunkd asks for it at every start, and
 * answering it this way builds no schema and loads no logger (src/main.ts).
 */
function packagedSchemes(inputs: ModularInput[]): string {
  const schemes = Object.fromEntries(inputs.map((i) => [i.kind, schemeXml(i)]));
  return `// Generated from the input schemas (npm run generate). Do not edit.\n// What each modular input answers to --scheme: src/splunk/scheme.ts, read by src/main.ts.\nexport const PACKAGED_SCHEMES: Readonly<Record<string, string>> = ${JSON.stringify(schemes, null, 2)};\n`;
}

/** Path (relative to the repository) → content. */
export function generatedFiles(inputs: ModularInput[]): Map<string, string> {
  const app = 'splunk_app/TA-ser-mail';
  const out = new Map<string, string>();
  out.set(`${app}/README/inputs.conf.spec`, inputsSpec(inputs));
  out.set(`${app}/README/ta_ser_mail_accounts.conf.spec`, namedSpec(ACCOUNT_KIND, 'A SER account: API key, secret and endpoints. Inputs name it with account = <name>.'));
  out.set(`${app}/README/ta_ser_mail_hec.conf.spec`, namedSpec(HEC_KIND, 'A HEC destination. Inputs and the alert action name it with hec = <name>.'));
  out.set(`${app}/README/ta_ser_mail_send.conf.spec`, namedSpec(SEND_KIND, 'A secure send service. The alert action names it with service = <name>.'));
  out.set(`${app}/README/ta_ser_mail_settings.conf.spec`, settingsSpec());
  for (const i of inputs) out.set(`test/splunk/fixtures/${i.kind}.scheme.xml`, schemeXml(i));
  out.set('src/splunk/inputs/schemes.generated.ts', packagedSchemes(inputs));
  for (const e of WRAPPER_ENTRIES) {
    out.set(`${app}/bin/${e.name}.sh`, wrapperSh(e));
    out.set(`${app}/bin/${e.name}.cmd`, wrapperCmd(e));
  }
  return out;
}
