import { SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A bar with ETA when stderr is a terminal; otherwise (pipes, CI, the demo test) a plain line
 * at 25 % steps, so logs stay readable.
 */
export function progress(label: string, unit: string, write: (line: string) => void, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar({ format: `  ${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`, stream, hideCursor: true, clearOnComplete: false });
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let next = 0;
  return {
    update(done, total) {
      const pct = Math.floor((100 * done) / Math.max(1, total));
      if (pct < next && done !== total) return;
      next = pct - (pct % 25) + 25;
      write(`  ${label}: ${done}/${total} ${unit} (${pct}%)`);
    },
    stop() {},
  };
}
