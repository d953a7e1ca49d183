/**
 * What `npm run generate` writes: every file the repository commits that is computed from the
 * code. Each generator is a function returning its files (path relative to the repository root,
 * exact content); scripts/generate.ts writes them, or with --check names each one that differs.
 */
export interface GeneratedFile {
  path: string;
  content: string;
  /** 0o755 for scripts splunkd starts; the default is 0o644. */
  mode?: number;
}

/**
 * Files a browser draws (PNG screenshots). Their pixels depend on the Chromium build and fonts,
 * so --check compares what can be known without drawing: the set of files and each picture's
 * width and height. Writing them starts a browser.
 */
export interface Pictures {
  name: string;
  /** Path → expected [width, height] (undefined: any size). */
  expected(): Promise<Map<string, [number, number] | undefined>>;
  /** Draws them all; resolves to the paths written. */
  draw(): Promise<string[]>;
  /** How to redraw only these. */
  command: string;
}

export interface Generator {
  name: string;
  files(): Promise<GeneratedFile[]>;
}
