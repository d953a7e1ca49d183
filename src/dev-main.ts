import { describeError } from './core/errors.js';

// The development CLI (dist/ta-ser-mail-dev.cjs; `npm start` runs its demo): every command of
// the shipped program plus demo and sim. Built beside the app's bundle, never packaged.
async function entry(argv: string[]): Promise<number> {
  const [{ main }, { devCommands }] = await Promise.all([import('./cli.js'), import('./commands/dev.js')]);
  return main(argv, devCommands, 'ta-ser-mail-dev');
}

entry(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`FATAL ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
