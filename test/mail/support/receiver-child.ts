/**
 * A mail receiver in a child process of its own, so a test can read the peak RSS (VmHWM) of
 * the receiver alone while it posts hostile bodies at it. Settings come as JSON in argv[2];
 * the child answers { url } once listening and { peakRssBytes } to every 'rss' message.
 */
import { readFileSync } from 'node:fs';
import { ScriptedSink, startTestInput } from '../helpers.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const input = await startTestInput(new ScriptedSink(), settings);

function peakRssBytes(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

process.on('message', (m) => {
  if (m === 'rss') process.send!({ peakRssBytes: peakRssBytes() });
  if (m === 'stop') void input.stop().then(() => process.exit(0));
});
process.send!({ url: input.url, peakRssBytes: peakRssBytes() });
