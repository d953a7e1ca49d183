import { parseConf } from '../../src/splunk/conf-file.js';

/**
 * "Every setting in every .conf file is declared in its README/*.spec", generically: a custom
 * .conf must have a README spec declaring every key of every stanza; a Splunk .conf with a
 * README spec (inputs, alert_actions, savedsearches …) may also use Splunk's own keys.
 */
export const SPLUNK_CONF_FILES = new Set([
  'app', 'inputs', 'props', 'transforms', 'eventtypes', 'tags', 'macros', 'savedsearches', 'alert_actions', 'collections',
  'web', 'restmap', 'server', 'indexes', 'authorize', 'commands', 'distsearch', 'limits', 'workflow_actions', 'fields',
  'datamodels', 'ui-prefs', 'ui-tour', 'visualizations', 'transactiontypes', 'searchbnf', 'checklist', 'passwords', 'outputs',
]);

/** Splunk's own keys of the files the app also declares settings for. */
const SPLUNK_KEYS: Record<string, RegExp> = {
  inputs: /^(index|host|source|sourcetype|disabled|interval|start_by_shell|python\.version|run_introspection|_TCP_ROUTING|_INDEX_AND_FORWARD_ROUTING|crcSalt|followTail|whitelist|blacklist|ignoreOlderThan|recursive|time_before_close|initCrcLength|_meta)$/,
  alert_actions: /^(is_custom|label|description|icon_path|payload_format|alert\.execute\.cmd(\.arg\.\d+)?|maxtime|forceCsvResults|command|ttl|track_alert|hostname|maxresults|python\.version|disabled|param\.[A-Za-z0-9_.]+)$/,
  savedsearches: /^(search|description|disabled|cron_schedule|enableSched|is_scheduled|is_visible|counttype|relation|quantity|alert_condition|schedule_window|schedule_priority|realtime_schedule|run_on_startup|run_n_times|max_concurrent|actions|request\..+|dispatch\..+|alert\..+|alert_type|display\..+|auto_summarize.*|action\.(email|script|lookup|rss|summary_index|populate_lookup|webhook|logevent)(\..+)?)$/,
};

interface SpecRule {
  stanza: RegExp | undefined;
  key: RegExp;
}

function patternOf(text: string): RegExp {
  const esc = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\<[^>]*\\>|<[^>]*>/g, '.+');
  return new RegExp(`^${esc}$`);
}

export function parseSpec(text: string): SpecRule[] {
  const rules: SpecRule[] = [];
  let stanza: RegExp | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#') || line.startsWith('*') || /^\s/.test(line)) continue;
    const h = /^\[(.*)\]$/.exec(line);
    if (h) {
      stanza = h[1] === 'default' ? undefined : patternOf(h[1] ?? '');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) rules.push({ stanza, key: patternOf(line.slice(0, eq).trim()) });
  }
  return rules;
}

/** Undeclared `file.conf [stanza] key` settings. */
export function undeclared(file: string, confText: string, specText: string | undefined): string[] {
  const conf = parseConf(confText, { strict: true, file: `${file}.conf` });
  const builtins = SPLUNK_KEYS[file];
  if (specText === undefined) return SPLUNK_CONF_FILES.has(file) ? [] : [`${file}.conf has no README/${file}.conf.spec`];
  const rules = parseSpec(specText);
  const out: string[] = [];
  for (const [stanza, keys] of conf) {
    const forStanza = rules.filter((r) => r.stanza === undefined || r.stanza.test(stanza));
    // A Splunk stanza the app's spec says nothing about (e.g. [monitor://…]) is Splunk's own.
    if (SPLUNK_CONF_FILES.has(file) && !rules.some((r) => r.stanza?.test(stanza)) && !rules.some((r) => r.stanza === undefined)) continue;
    for (const key of keys.keys()) {
      if (forStanza.some((r) => r.key.test(key))) continue;
      if (builtins?.test(key)) continue;
      if (SPLUNK_CONF_FILES.has(file) && !builtins) continue;
      out.push(`${file}.conf [${stanza}] ${key}`);
    }
  }
  return out;
}
