import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alertFiles } from '../../src/splunk/alert-files.js';
import { alertParamsSchema } from '../../src/send/config.js';

const app = fileURLToPath(new URL('../../splunk_app/TA-ser-mail/', import.meta.url));

describe('alert action files in the Splunk app', () => {
  for (const [path, text] of Object.entries(alertFiles())) {
    it(`${path} is what the schema generates (npm run generate rewrites it)`, () => {
      expect(existsSync(join(app, path))).toBe(true);
      expect(readFileSync(join(app, path), 'utf8'), `${path} is out of date: run npm run generate`).toBe(text);
    });
  }

  it('every parameter is in the form, both spec files, and each default in alert_actions.conf parses', () => {
    const files = alertFiles();
    const conf = files['default/alert_actions.conf']!;
    for (const name of Object.keys(alertParamsSchema.shape)) {
      expect(files['default/data/ui/alerts/ser_secure_send.html']).toContain(`name="action.ser_secure_send.param.${name}"`);
      expect(files['README/alert_actions.conf.spec']).toContain(`param.${name} = `);
      expect(files['README/savedsearches.conf.spec']).toContain(`action.ser_secure_send.param.${name} = `);
    }
    const defaults = Object.fromEntries([...conf.matchAll(/^param\.(\w+) =(?: (.*))?$/gm)].map((m) => [m[1], m[2] ?? '']));
    const parsed = alertParamsSchema.parse({ ...defaults, service: 'svc', to: 'a.b@example.com' });
    expect(parsed.mode).toBe(defaults.mode);
    expect(conf).toMatch(/^payload_format = json$/m);
    expect(conf).toMatch(/^alert\.execute\.cmd\.arg\.\d = --execute$/m);
    expect(files['default/data/ui/alerts/ser_secure_send.html']).not.toMatch(/<script/i);
  });
});
