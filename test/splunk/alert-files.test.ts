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
    // splunkd picks bin/ser_secure_send.sh or .cmd by platform and passes --execute itself.
    expect(conf).not.toMatch(/^alert\.execute\.cmd/m);
    expect(files['default/data/ui/alerts/ser_secure_send.html']).not.toMatch(/<script/i);
  });

  it('param._cam lists the action as an ES adaptive response with the Common Action Model keys and CIM\'s recommended values', () => {
    const conf = alertFiles()['default/alert_actions.conf']!;
    const line = /^param\._cam = (.*)$/m.exec(conf)?.[1];
    expect(line).toBeDefined();
    const cam = JSON.parse(line!) as Record<string, unknown>;
    // Splunk_SA_CIM README/alert_actions.conf.spec Appendix A: required keys, and values from its lookups
    expect(cam).toMatchObject({ category: ['Information Conveyance'], task: ['create'], subject: ['process.email-service'], supports_adhoc: true });
    expect(cam.technology).toEqual([expect.objectContaining({ vendor: expect.any(String), product: expect.any(String) })]);
    expect(Object.keys(cam).every((k) => ['category', 'task', 'subject', 'technology', 'drilldown_uri', 'field_name_params', 'required_params', 'supports_adhoc', 'supports_cloud', 'supports_workers'].includes(k))).toBe(true);
    for (const p of cam.required_params as string[]) expect(Object.keys(alertParamsSchema.shape)).toContain(p.replace(/^param\./, ''));
    expect(String(cam.drilldown_uri)).toMatch(/orig_sid%3D%22\$sid\$%22.*orig_rid%3D%22\$rid\$%22/);
    expect(alertFiles()['README/alert_actions.conf.spec']).toMatch(/^param\._cam = <json>$/m);
  });

  it('restmap.conf validates every enum, bounded integer and required parameter on save, and lets saved searches without the action through', () => {
    const restmap = alertFiles()['default/restmap.conf']!;
    expect(restmap).toMatch(/^\[validation:savedsearch\]$/m);
    const rules = Object.fromEntries([...restmap.matchAll(/^action\.ser_secure_send\.param\.(\w+) = validate\((.*), "(.*)"\)$/gm)].map((m) => [m[1], { cond: m[2]!, why: m[3]! }]));
    expect(Object.keys(rules).sort()).toEqual(['body_type', 'importance', 'max_messages', 'max_rows', 'mode', 'service', 'to']);
    for (const [name, field] of Object.entries(alertParamsSchema.shape)) {
      const r = rules[name];
      if (!r) continue;
      // every rule lets an absent parameter (another action's saved search) or a disabled action pass
      expect(r.cond, name).toMatch(/^isnull\('action\.ser_secure_send(\.param\.\w+)?'\) OR /);
      const options = (field as unknown as { options?: string[] }).options ?? (field as unknown as { def?: { innerType?: { options?: string[] } } }).def?.innerType?.options;
      if (options) for (const o of options) expect(r.cond, name).toContain(`="${o}"`);
    }
    expect(rules.max_rows!.cond).toContain(">=1 AND tonumber('action.ser_secure_send.param.max_rows')<=10000");
  });
});

