import { describeError } from '../core/errors.js';
import type { LogLevel } from '../core/logger.js';
import type { ModularInput } from './define-input.js';
import { buildErrorXml, decodeInputBytes, parseInputDocument, parseValidationDocument } from './protocol-xml.js';
import { parseItems, schemeXml } from './scheme.js';
import type { Writable } from './xml-stream-sink.js';

/**
 * The modular-input protocol as splunkd drives it: `--scheme`, `--validate-arguments` (an
 * <items> document on stdin) or run mode (an <input> document on stdin). Returns the exit code.
 */
export type ModinputMode = 'scheme' | 'validate' | 'run';

export interface ModinputIo {
  stdin: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
  stdout: Writable;
  stderr: { write(line: string): unknown };
  signal: AbortSignal;
  logLevel?: LogLevel;
}

async function readAll(stdin: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const c of stdin) parts.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c));
  return Buffer.concat(parts);
}

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export async function runModinput(input: ModularInput, mode: ModinputMode, io: ModinputIo): Promise<number> {
  if (mode === 'scheme') {
    await write(io.stdout, schemeXml(input));
    return 0;
  }
  const text = decodeInputBytes(await readAll(io.stdin));
  if (mode === 'validate') {
    let message: string | undefined;
    try {
      const doc = parseValidationDocument(text);
      const items = parseItems(input, doc);
      if (typeof items === 'string') message = items;
      else if (input.check) {
        const { checkItems } = await import('./input-runner.js');
        message = await checkItems(input, doc, items, io.stderr);
      }
    } catch (err) {
      message = describeError(err);
    }
    if (message === undefined) return 0;
    await write(io.stdout, buildErrorXml(message));
    io.stderr.write(`ERROR [${input.kind}] validation refused: ${message}\n`);
    return 1;
  }
  let doc;
  try {
    doc = parseInputDocument(text);
  } catch (err) {
    io.stderr.write(`ERROR [${input.kind}] ${describeError(err)}\n`);
    return 1;
  }
  if (doc.stanzas.length === 0) {
    // Nothing to run: answer without loading the HTTP and logging stack.
    io.stderr.write(`INFO [${input.kind}] splunkd sent no stanza to run\n`);
    return 0;
  }
  const { runDocument } = await import('./input-runner.js');
  return runDocument(input, doc, { stdout: io.stdout, stderr: io.stderr, signal: io.signal, logLevel: io.logLevel });
}
