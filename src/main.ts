import { describeError } from './core/errors.js';

// The bundle's entry: run the CLI and leave the exit code for Node to use once work drains.
// splunkd starts `modinput <kind> …` for every run and validation: that path skips commander
// and every other command's modules (dynamic imports stay lazy in the CJS bundle).
async function entry(argv: string[]): Promise<number> {
  if (argv[2] === 'modinput') {
    const { modinputMain, parseModinputArgs } = await import('./splunk/modinput-cli.js');
    const args = parseModinputArgs(argv.slice(3));
    if (args) return modinputMain(args.kind, args);
  }
  const { main } = await import('./cli.js');
  return main(argv);
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
