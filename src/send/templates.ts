/**
 * splunkd fills `$result.<field>$` in an alert's parameters from the FIRST result row before
 * the action runs (sendalert: "then the command performs token replacement"). per_row mode
 * needs the unfilled templates, so it reads them from the saved search itself (search_uri)
 * and fills the tokens splunkd would have filled per alert here, per row.
 */
export const TEMPLATE_PARAMS = ['to', 'cc', 'subject', 'body'] as const;

export interface AlertTokens {
  name: string;
  app: string;
  owner: string;
  sid: string;
  resultsLink?: string;
  serverHost?: string;
}

/** The alert-level tokens splunkd would fill, except `$result.*$`, which stays for each row. */
export function fillAlertTokens(template: string, t: AlertTokens): string {
  const values: Record<string, string | undefined> = {
    name: t.name,
    'search_name': t.name,
    app: t.app,
    owner: t.owner,
    'job.sid': t.sid,
    'results.url': t.resultsLink,
    'results_link': t.resultsLink,
    'server.serverName': t.serverHost,
  };
  return template.replace(/\$([A-Za-z_.]+)\$/g, (m, key: string) => values[key] ?? m);
}

/**
 * The raw parameter templates from a saved search's REST entry content
 * (`action.<action>.param.<p>`), for the parameters that hold `$result.` tokens.
 */
export function rawTemplates(content: Record<string, unknown>, action: string, t: AlertTokens): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of TEMPLATE_PARAMS) {
    const v = content[`action.${action}.param.${p}`];
    if (typeof v === 'string' && v.includes('$result.')) out[p] = fillAlertTokens(v, t);
  }
  return out;
}
