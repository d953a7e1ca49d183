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

export function alertActionsSpec(): string {
  const out = [HEADER, '', `[${ACTION_NAME}]`, '* Secure send: mails search results through the secure send service (mutual TLS, optional AES-GCM encryption).', ''];
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
    // splunkd does not add --execute when alert.execute.cmd is set; the arguments count from 0
    // (Splunk's own example: arg.0 = -jar, arg.1 = <jar>, arg.2 = --execute). Passed once.
    `alert.execute.cmd = ${ACTION_NAME}.sh`,
    'alert.execute.cmd.arg.0 = --execute',
    'maxtime = 10m',
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

/** Path (inside the app) → content. */
export function alertFiles(): Record<string, string> {
  return {
    'default/alert_actions.conf': alertActionsConf(),
    [`default/data/ui/alerts/${ACTION_NAME}.html`]: alertFormHtml(),
    'README/alert_actions.conf.spec': alertActionsSpec(),
    'README/savedsearches.conf.spec': savedsearchesSpec(),
  };
}
