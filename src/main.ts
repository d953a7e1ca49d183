import { describeError } from './core/errors.js';

// The bundle's entry: run the CLI and leave the exit code for Node to use once work drains.
// splunkd starts `modinput <kind> …` for every run and validation: that path skips commander
// and every other command's modules (dynamic imports stay lazy in the CJS bundle).
async function entry(argv: string[]): Promise<number> {
  if (argv[2] === 'modinput') {
    // --scheme: the answer is text generated with the build, so no schema is built for it.
    if (argv[4] === '--scheme' && argv.length === 5) {
      const { PACKAGED_SCHEMES } = await import('./splunk/inputs/schemes.generated.js');
      const xml = PACKAGED_SCHEMES[argv[3]!];
      if (xml !== undefined) {
        process.stdout.write(xml);
        return 0;
      }
    }
    const { modinputMain, parseModinputArgs } = await import('./splunk/modinput-cli.js');
    const args = parseModinputArgs(argv.slice(3));
    if (args) return modinputMain(args.kind, args);
  }
  const { main } = await import('./cli.js');
  return main(argv);
}

/** Resolves once what was written to the stream has been handed to the OS. */
const flushed = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => stream.write('', () => resolve()));

entry(process.argv).then(
  async (code) => {
    process.exitCode = code;
    // splunkd waits for a modular input to end, and every piece of its work (sinks closed,
    // checkpoint synced) has been awaited by now: exit once stdout and stderr are flushed,
    // rather than after sockets and handles wind down one by one.
    if (process.argv[2] === 'modinput') {
      await flushed(process.stdout);
      await flushed(process.stderr);
      process.exit(code);
    }
  },
  (err: unknown) => {
    process.stderr.write(`FATAL ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
