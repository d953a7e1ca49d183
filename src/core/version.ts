// A named import: esbuild then bundles only the version, not the whole package.json (scripts,
// dev dependencies) into the app.
import { version } from '../../package.json';

/** The program's version; a test checks it equals app.conf and package.json. */
export const VERSION: string = version;
