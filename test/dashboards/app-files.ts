import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConf, type ConfFile as ConfStanzas } from '../../src/splunk/conf-file.js';
import { parseViewXml, type StudioView } from '../../src/dashboards/view-xml.js';

/** The shipped app's files, as the tests read them (what Splunk would load, not the sources). */
export const APP_DIR = fileURLToPath(new URL('../../splunk_app/TA-ser-mail/', import.meta.url));

export function readAppConf(name: string): ConfStanzas {
  return parseConf(readFileSync(path.join(APP_DIR, 'default', name), 'utf8'), { strict: true, file: name });
}

/** Config-page view files belong to another component and are not Dashboard Studio views. */
const NOT_STUDIO = new Set(['ta_ser_mail_configuration.xml']);

export function readShippedViews(): Array<{ file: string; view: string; parsed: StudioView }> {
  const dir = path.join(APP_DIR, 'default/data/ui/views');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml') && !NOT_STUDIO.has(f))
    .sort()
    .map((file) => ({ file, view: file.replace(/\.xml$/, ''), parsed: parseViewXml(readFileSync(path.join(dir, file), 'utf8'), file) }));
}
