import { confValue, settingsOf, titleOf, type SettingInfo } from './schema-args.js';
import { ACTION_NAME } from '../send/audit.js';
import { alertParamsSchema } from '../send/config.js';

/**
 * The alert action's files in the Splunk app, generated from `alertParamsSchema` so the form,
 * the spec files and the defaults cannot drift from what the code parses.
 * test/splunk/alert-files.test.ts compares them with the committed files; `npm run generate`
 * rewrites them.
 */
const HEADER = '# Generated from alertParamsSchema (src/send/config.ts) by src/splunk/alert-files.ts. Do not edit.';

function params(): SettingInfo[] {
  return settingsOf(alertParamsSchema);
}

function typeWord(s: SettingInfo): string {
  if (s.enumValues) return s.enumValues.join('|');
  return s.dataType === 'number' ? '<integer>' : '<string>';
}

function specLines(s: SettingInfo): string[] {
  const lines = [`* ${s.description}`];
  if (s.required) lines.push('* Required.');
  if (s.min !== undefined || s.max !== undefined) lines.push(`* Range: at least ${s.min}, at most ${s.max}.`);
  if (s.defaultValue !== undefined) lines.push(`* Default: ${confValue(s.defaultValue) || '(empty)'}`);
  return lines;
}

/**
 * The Common Action Model entry Enterprise Security reads to list the action as an adaptive
 * response (Splunk_SA_CIM README/alert_actions.conf.spec, Appendix A; recommended values from
 * its cam_categories.csv, cam_tasks.csv and cam_subjects.csv lookups). The drilldown opens the
 * action's own audit events for the notable it ran on ($sid$/$rid$ = the notable's orig_sid/orig_rid).
 */
export const CAM = {
  category: ['Information Conveyance'],
  task: ['create'],
  subject: ['process.email-service'],
  technology: [{ vendor: 'TA-ser-mail', product: 'Secure send' }],
  drilldown_uri: `../TA-ser-mail/search?q=${encodeURIComponent('search `ta_ser_mail_index` sourcetype="proofpoint:ser:send:audit" orig_sid="$sid$" orig_rid="$rid$"').replace(/%24/g, '$')}`,
  required_params: ['param.service', 'param.to'],
  supports_adhoc: true,
  // The action needs only the send service's HTTPS endpoint (through [proxy] if need be) and
  // PEM texts from storage/passwords: nothing on the search head's local network or disk.
  supports_cloud: true,
} as const;

export function alertActionsSpec(): string {
  const out = [HEADER, '', `[${ACTION_NAME}]`, '* Secure send: mails search results through the secure send service (mutual TLS, optional AES-GCM encryption).', ''];
  out.push('param._cam = <json>', '* Common Action Model: how Enterprise Security lists this action as an adaptive response (category, task, subject, technology, drilldown_uri, required_params, supports_adhoc, supports_cloud).', '');
  for (const s of params()) out.push(`param.${s.name} = ${s.enumValues ? `<${s.enumValues.join('|')}>` : typeWord(s)}`, ...specLines(s), '');
  return `${out.join('\n').trimEnd()}\n`;
}

export function savedsearchesSpec(): string {
  const out = [HEADER, '', `action.${ACTION_NAME} = [0|1]`, `* Turns the ${ACTION_NAME} alert action on for this saved search.`, ''];
  for (const s of params()) out.push(`action.${ACTION_NAME}.param.${s.name} = ${s.enumValues ? `<${s.enumValues.join('|')}>` : typeWord(s)}`, ...specLines(s), '');
  return `${out.join('\n').trimEnd()}\n`;
}

export function alertActionsConf(): string {
  const out = [
    HEADER,
    '',
    `[${ACTION_NAME}]`,
    'is_custom = 1',
    'label = Secure send (SER mail)',
    'description = Mail the results through the secure send service (mutual TLS, optional AES-GCM encryption); one audit event per message',
    'payload_format = json',
    // AppInspect (check_alert_icon_exists_for_custom_alerts): a file under appserver/static.
    `icon_path = ${ACTION_NAME}.png`,
    // No alert.execute.cmd: splunkd then finds bin/<stanza>.<ext> itself, .sh on Linux and macOS,
    // .cmd on Windows (Splunk's custom alert script lookup, which AppInspect's
    // check_alert_actions_exe_exist follows), and passes --execute once. An alert.execute.cmd
    // would name one file for every platform, and a Windows search head cannot run a .sh.
    'maxtime = 10m',
    `param._cam = ${JSON.stringify(CAM)}`,
  ];
  for (const s of params()) if (s.defaultValue !== undefined) out.push(`param.${s.name} =${confValue(s.defaultValue) ? ` ${confValue(s.defaultValue)}` : ''}`);
  return `${out.join('\n')}\n`;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

const LABELS: Record<string, string> = { hec: 'HEC destination for audit', to: 'To', cc: 'Cc', body_type: 'Body format', max_rows: 'Max rows (per alert)', max_messages: 'Max messages (per row)' };

/** Static Bootstrap-2 form, no JavaScript; input names action.<stanza>.param.<p>. */
export function alertFormHtml(): string {
  const groups = params().map((s) => {
    const name = `action.${ACTION_NAME}.param.${s.name}`;
    const id = `${ACTION_NAME}_${s.name}`;
    let control: string;
    if (s.enumValues) {
      control = `<select name="${name}" id="${id}">\n${s.enumValues.map((v) => `                <option value="${esc(v)}">${esc(v)}</option>`).join('\n')}\n            </select>`;
    } else if (s.name === 'body') {
      control = `<textarea name="${name}" id="${id}" rows="6" class="input-xlarge"></textarea>`;
    } else {
      control = `<input type="text" name="${name}" id="${id}" class="input-xlarge"${s.required ? ' required="required"' : ''} />`;
    }
    return [
      '    <div class="control-group">',
      `        <label class="control-label" for="${id}">${esc(LABELS[s.name] ?? titleOf(s.name))}</label>`,
      '        <div class="controls">',
      `            ${control}`,
      `            <span class="help-block">${esc(s.description)}.${s.defaultValue !== undefined && confValue(s.defaultValue) ? ` Default: ${esc(confValue(s.defaultValue))}` : ''}</span>`,
      '        </div>',
      '    </div>',
    ].join('\n');
  });
  return `<!-- ${HEADER.slice(2)} -->\n<form class="form-horizontal form-complex">\n${groups.join('\n')}\n</form>\n`;
}

const quoted = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** One eval condition (Splunk's validate()) per parameter that has a rule the schema states. */
function validationRule(s: SettingInfo): string | undefined {
  const f = `'action.${ACTION_NAME}.param.${s.name}'`;
  const enabled = `'action.${ACTION_NAME}'`;
  // Every saved search is validated on save, including those without this action: a parameter
  // that is absent passes, and "required" applies only when the action is turned on.
  const absent = `isnull(${f}) OR ${f}=""`;
  let cond: string | undefined;
  let why: string | undefined;
  if (s.enumValues) {
    cond = `${absent} OR ${s.enumValues.map((v) => `${f}=${quoted(v)}`).join(' OR ')}`;
    why = `${s.name} must be one of ${s.enumValues.join(', ')}`;
  } else if (s.dataType === 'number' && s.integer) {
    cond = `${absent} OR (match(${f}, "^[0-9]+$") AND tonumber(${f})>=${s.min} AND tonumber(${f})<=${s.max})`;
    why = `${s.name} must be a whole number from ${s.min} to ${s.max}`;
  } else if (s.name === 'service') {
    cond = `isnull(${enabled}) OR ${enabled}="0" OR match(${f}, "^[A-Za-z0-9][A-Za-z0-9_.-]*$")`;
    why = 'service must name a send service stanza of ta_ser_mail_send.conf (letters, digits, _ . -)';
  } else if (s.required) {
    cond = `isnull(${enabled}) OR ${enabled}="0" OR len(trim(${f}))>0`;
    why = `${s.name} is required`;
  }
  return cond ? `action.${ACTION_NAME}.param.${s.name} = validate(${cond}, ${quoted(why!)})` : undefined;
}

/** restmap.conf: splunkd checks the parameters when a saved search is saved (Splunk Web, REST). */
export function restmapConf(): string {
  const rules = params().map(validationRule).filter((r): r is string => r !== undefined);
  return `${[HEADER, '', '[validation:savedsearch]', ...rules].join('\n')}\n`;
}

/** Path (inside the app) → content. */
export function alertFiles(): Record<string, string> {
  return {
    'default/alert_actions.conf': alertActionsConf(),
    'default/restmap.conf': restmapConf(),
    [`default/data/ui/alerts/${ACTION_NAME}.html`]: alertFormHtml(),
    'README/alert_actions.conf.spec': alertActionsSpec(),
    'README/savedsearches.conf.spec': savedsearchesSpec(),
  };
}
