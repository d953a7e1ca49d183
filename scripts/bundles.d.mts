import type { BuildOptions } from 'esbuild';

type Bundle = BuildOptions & { entryPoints: string[]; outfile: string };
export declare const APP_BUNDLE: Bundle;
export declare const DEV_BUNDLE: Bundle;
