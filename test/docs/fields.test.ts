import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SOURCETYPES } from '../../src/core/sourcetypes.js';
import { jsonFieldNames } from '../../src/dashboards/event-fields.js';
import { FIELDS_DOC_COMMAND, FIELDS_DOC_PATH, fieldsReferenceMarkdown } from '../../src/dashboards/field-tables.js';
import { EVENT_SCHEMAS } from '../../src/dashboards/vocabulary.js';
import { readAppConf } from '../dashboards/app-files.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const props = readAppConf('props.conf');

describe('docs/fields.md, generated whole from the event schemas and props.conf', () => {
  it(`is what the schemas generate (regenerate with ${FIELDS_DOC_COMMAND})`, () => {
    const committed = readFileSync(path.join(ROOT, FIELDS_DOC_PATH), 'utf8');
    expect(committed, `${FIELDS_DOC_PATH} is out of date: run ${FIELDS_DOC_COMMAND}`).toBe(fieldsReferenceMarkdown(props));
  });

  it('has a section for every sourcetype, listing every field its schema emits', () => {
    const text = fieldsReferenceMarkdown(props);
    const sections = text.split(/^## /m).slice(1);
    expect(sections.map((s) => s.slice(0, s.indexOf('\n')))).toEqual(Object.values(SOURCETYPES).map((st) => `\`${st}\``));
    for (const [i, st] of Object.values(SOURCETYPES).entries()) {
      for (const field of jsonFieldNames(EVENT_SCHEMAS[st]!)) {
        // A record (free keys) is listed by its container name.
        expect(sections[i], `${st}: ${field}`).toContain(`| \`${field.replace(/\.\*$/, '')}\` |`);
      }
    }
  });

  it('follows the schemas: a field added or described differently changes the text', () => {
    const schema = EVENT_SCHEMAS[SOURCETYPES.serCoverage] as z.ZodObject;
    EVENT_SCHEMAS[SOURCETYPES.serCoverage] = schema.extend({ probe_field: z.number().describe('a | piped <meaning>') });
    try {
      expect(fieldsReferenceMarkdown(props)).toContain('| `probe_field` | number | a \\| piped &lt;meaning&gt; |');
    } finally {
      EVENT_SCHEMAS[SOURCETYPES.serCoverage] = schema;
    }
    expect(fieldsReferenceMarkdown(props)).not.toContain('probe_field');
  });
});
