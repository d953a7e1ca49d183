import pkg from '../../package.json';

/** The program's version; a test checks it equals app.conf and package.json. */
export const VERSION: string = pkg.version;
