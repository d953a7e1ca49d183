import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../src/dashboards/catalog.js';
import { parseViewXml, toViewXml, ViewParseError } from '../../src/dashboards/view-xml.js';

describe('Studio view files', () => {
  it('round-trips every shipped dashboard through the XML form', () => {
    for (const d of DASHBOARDS) {
      const xml = toViewXml({ label: d.label, description: d.description, theme: 'dark', definition: d.definition });
      expect(xml.startsWith('<dashboard version="2" theme="dark">')).toBe(true);
      const back = parseViewXml(xml, d.view);
      expect(back.label).toBe(d.label);
      expect(back.definition).toEqual(d.definition);
    }
  });

  it('property: labels and searches with XML-special characters survive', () => {
    const base = DASHBOARDS[0]!.definition;
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }).filter((s) => !s.includes(']]>') && s.trim() === s && s !== ''), (text) => {
        const def = structuredClone(base);
        def.title = text;
        const xml = toViewXml({ label: `${text} & <label>`, description: text, theme: 'light', definition: def });
        const back = parseViewXml(xml);
        expect(back.definition.title).toBe(text);
        expect(back.label).toBe(`${text} & <label>`);
        expect(back.theme).toBe('light');
      }),
    );
  });

  it('rejects what Splunk would not load, naming the file', () => {
    expect(() => parseViewXml('<dashboard version="1"><label>x</label></dashboard>', 'v.xml')).toThrow(/v\.xml: .*version="2"/);
    expect(() => parseViewXml('<dashboard version="2"><label>x</label><definition><![CDATA[{nope]]></definition></dashboard>', 'v.xml')).toThrow(
      /not valid JSON/,
    );
    expect(() => parseViewXml('<dashboard version="2"><definition><![CDATA[{}]]></definition></dashboard>', 'v.xml')).toThrow(ViewParseError);
  });
});
