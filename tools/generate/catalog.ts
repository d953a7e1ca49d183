import { renderConfigDoc } from '../../src/service/config-doc.js';
import { alertFiles } from '../../src/splunk/alert-files.js';
import { INPUT_KINDS } from '../../src/splunk/inputs/index.js';
import { generatedFiles } from '../../src/splunk/spec-files.js';
import { configPagePictures } from './config-page.js';
import { dashboardPictures, dashboardViewFiles, fieldsReferenceFiles } from './dashboards.js';
import { mailGoldenFiles, serGoldenFiles } from './golden.js';
import type { Generator, Pictures } from './outputs.js';

const APP = 'splunk_app/TA-ser-mail';

/** Every generated text file, by what it is generated from. */
export const GENERATORS: Generator[] = [
  {
    name: 'Splunk spec files, scheme XML copies and bin/ wrappers (input and settings schemas)',
    async files() {
      const inputs = await Promise.all(Object.values(INPUT_KINDS).map((load) => load()));
      return [...generatedFiles(inputs)].map(([path, content]) => ({ path, content, mode: path.endsWith('.sh') ? 0o755 : 0o644 }));
    },
  },
  {
    name: "the alert action's files (alertParamsSchema)",
    async files() {
      return Object.entries(alertFiles()).map(([rel, content]) => ({ path: `${APP}/${rel}`, content }));
    },
  },
  { name: 'default/config.yaml (the standalone service schema)', files: async () => [{ path: 'default/config.yaml', content: renderConfigDoc() }] },
  { name: 'mail mapper golden files', files: mailGoldenFiles },
  { name: 'SER mapper golden files', files: serGoldenFiles },
  { name: 'dashboard view files (src/dashboards/definitions)', files: dashboardViewFiles },
  { name: 'docs/fields.md (event schemas + props.conf)', files: fieldsReferenceFiles },
];

/** Files a browser draws: checked by set and size, not bytes (see docs/development.md). */
export const PICTURES: Pictures[] = [dashboardPictures, configPagePictures];
