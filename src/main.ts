import { main } from './cli.js';
import { describeError } from './core/errors.js';

// The bundle's entry: run the CLI and leave the exit code for Node to use once work drains.
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`FATAL ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
