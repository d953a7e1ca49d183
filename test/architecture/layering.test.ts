import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeViolation, importGraph, importsOf, violations } from './layering.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

describe('the layering rule (docs/ARCHITECTURE.md)', () => {
  it('src/ keeps it: no source or sink imports another, core imports only core, nothing reaches tools/ or test/', () => {
    const edges = importGraph(src);
    // The graph is real: the wiring does import the sources and the sink.
    expect(edges.some((e) => e.from.startsWith('splunk/') && e.to?.startsWith('ser/'))).toBe(true);
    expect(edges.some((e) => e.from.startsWith('ser/') && e.to?.startsWith('core/'))).toBe(true);
    expect(violations(edges).map(describeViolation)).toEqual([]);
  });

  it('catches a source importing the sink, also through import type, re-export and import()', () => {
    const edges = [
      ...importsOf('ser/client.ts', "import { HecSink } from '../hec/sink.js';"),
      ...importsOf('mail/input.ts', "import type { AlertParams } from '../send/config.js';"),
      ...importsOf('send/action.ts', "export { runSerInput } from '../ser/input.js';"),
      ...importsOf('hec/sink.ts', "const m = await import('../mail/config.js');"),
    ];
    const found = violations(edges).map(describeViolation);
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/^src\/ser\/client\.ts imports '\.\.\/hec\/sink\.js': ser\/ must not import hec\//);
    expect(found[1]).toMatch(/mail\/ must not import send\//);
    expect(found[2]).toMatch(/send\/ must not import ser\//);
    expect(found[3]).toMatch(/hec\/ must not import mail\//);
  });

  it('catches core importing outside core and src/ reaching tools/, and allows what the rule allows', () => {
    const bad = [
      ...importsOf('core/http.ts', "import { loadProxy } from '../splunk/settings.js';"),
      ...importsOf('dashboards/catalog.ts', "import { x } from '../../tools/dashboards/render/size.js';"),
    ];
    expect(violations(bad).map((v) => v.rule)).toEqual([expect.stringMatching(/^core\/ imports only core\/ .*splunk/), expect.stringMatching(/outside src\/ \(tools\//)]);
    const good = [
      ...importsOf('ser/client.ts', "import { withRetry } from '../core/retry.js'; import { z } from 'zod';"),
      ...importsOf('ser/input.ts', "import { parseReply } from './reply.js';"),
      ...importsOf('splunk/input-runner.ts', "import { HecSink } from '../hec/sink.js'; import { runSerInput } from '../ser/input.js';"),
      ...importsOf('core/version.ts', "import pkg from '../../package.json';"),
    ];
    expect(violations(good)).toEqual([]);
  });
});
