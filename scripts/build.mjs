// Bundles the CLI into CommonJS files: dist/ta-ser-mail.cjs, which the Splunk app ships so the
// host needs only `node`, and dist/ta-ser-mail-dev.cjs, the development CLI (demo, simulators).
import { build } from 'esbuild';
import { APP_BUNDLE, DEV_BUNDLE } from './bundles.mjs';

await Promise.all([build(APP_BUNDLE), build(DEV_BUNDLE)]);
