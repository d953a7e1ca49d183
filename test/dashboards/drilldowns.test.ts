import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchOfUrl, toDashboard, toSearch, toUrl } from '../../src/dashboards/style.js';
import { readShippedViews } from './app-files.js';

describe('drilldowns (drilldown.customUrl, the link handler every Studio preset has)', () => {
  it('a search link carries the search URL-encoded, and each row token URL-encoded by Studio (|u)', () => {
    const url = String(toSearch('`ta_ser_mail_index` event_id="$row.event_id.value$" | head 1').options.url);
    expect(url).toMatch(/^\/app\/TA-ser-mail\/search\?q=search%20%60ta_ser_mail_index%60%20event_id%3D%22\$row\.event_id\.value\|u\$%22%20%7C%20head%201&/);
    expect(url).toContain('&earliest=$global_time.earliest|u$&latest=$global_time.latest|u$');
    expect(searchOfUrl(url)).toBe('search `ta_ser_mail_index` event_id="$row.event_id.value$" | head 1');
  });

  it('property: any search text without tokens survives the round trip', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('$')), (q) => {
      expect(searchOfUrl(String(toSearch(q).options.url))).toBe(`search ${q}`);
    }));
  });

  it('a dashboard link sets the target\'s input through form.<token>; a job link names the sid', () => {
    expect(toDashboard('ta_ser_mail_ser_health', { application: 'row.application_name.value' }).options.url).toBe('/app/TA-ser-mail/ta_ser_mail_ser_health?form.application=$row.application_name.value|u$');
    expect(toUrl('/app/search/search?sid=$row.sid.value$').options.url).toBe('/app/search/search?sid=$row.sid.value|u$');
  });

  it('the shipped views drill from an application, a failure and a send-audit run as the issue asks', () => {
    const urls = new Map(readShippedViews().map((v) => [v.view, Object.fromEntries(Object.entries(v.parsed.definition.visualizations).flatMap(([id, viz]) => (viz.eventHandlers ?? []).map((h) => [id, String(h.options.url)])))]));
    expect(urls.get('ta_ser_mail_licence')?.viz_apps).toContain('/ta_ser_mail_ser_health?form.application=$row.application_name.value|u$');
    expect(urls.get('ta_ser_mail_ser_health')?.viz_apps).toContain('form.application=');
    expect(searchOfUrl(urls.get('ta_ser_mail_ser_health')!.viz_top_failing!)).toMatch(/failure > 0/);
    expect(searchOfUrl(urls.get('ta_ser_mail_send_audit')!.viz_failures_table!)).toMatch(/event_id="\$row\.event_id\.value\$"/);
    expect(urls.get('ta_ser_mail_send_audit')?.viz_runs).toBe('/app/search/search?sid=$row.sid.value|u$');
  });
});
