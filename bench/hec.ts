/**
 * `npm run bench:hec`: HEC sink throughput and memory against splunk-logging and the limit.
 *
 * One run, same machine. The HEC simulator runs in its own process (the built CLI's `sim hec`);
 * each sender runs in its own child process (a CommonJS bundle of bench/hec-sender.ts, like the
 * shipped program), so its peak RSS is its own. Every case first sends a few thousand events
 * untimed (warm-up), then is timed from its first event to its last delivery. Every delivery
 * is checked against what the simulator accepted. Each case runs REPEAT times interleaved; the fastest run is reported
 * (the machine is shared and noisy), with the highest peak RSS of all runs.
 * Last line of output: one JSON object with every figure and ratio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { SenderArgs, SenderKind, SenderResult } from './hec-sender.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'ta-ser-mail-dev.cjs');
const SENDER = join(ROOT, 'dist', 'bench', 'hec-sender.cjs');
const SIZES = (process.env.BENCH_HEC_SIZES ?? '200000,1000000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_HEC_REPEAT ?? 2);
/** splunk-logging at defaults makes one request per event: bounded by count and time. */
const DEFAULTS_MAX_EVENTS = 20_000;
const DEFAULTS_TIME_MS = 20_000;

interface Sim {
  url: string;
  token: string;
  child: ChildProcess;
}

async function startSim(options: string[]): Promise<Sim> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench:hec does)`);
  const child = spawn(process.execPath, [CLI, 'sim', 'hec', '-o', 'keep=ids', '-o', 'skim=1', ...options.flatMap((o) => ['-o', o])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
  });
  const info = JSON.parse(line) as { url: string; token: string };
  return { url: info.url, token: info.token, child };
}

async function simStats(sim: Sim): Promise<{ accepted: number; distinctIds: number; requests: number }> {
  return (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { accepted: number; distinctIds: number; requests: number };
}

async function runSender(args: SenderArgs): Promise<SenderResult> {
  const child = spawn(process.execPath, [SENDER, JSON.stringify(args)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`sender ${args.kind} failed (exit ${code})`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as SenderResult;
}

/** Runs one case against a freshly reset simulator and checks what it accepted. */
async function measure(kind: SenderKind, n: number, sim: Sim, extra: Partial<SenderArgs> = {}): Promise<SenderResult> {
  await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
  const r = await runSender({ kind, n, url: sim.url, token: sim.token, ...extra });
  if (kind === 'limit') return r;
  const s = await simStats(sim);
  const ours = kind.startsWith('ours');
  // splunk-logging may report an error for a request HEC did accept (a reset keep-alive
  // socket after the reply): it only has to have delivered what it says it delivered.
  const ok = ours ? s.distinctIds === r.sent + r.warmup && s.accepted >= r.sent + r.warmup : s.accepted >= r.delivered;
  if (!ok) throw new Error(`${kind} n=${n}: the simulator accepted ${s.accepted} (${s.distinctIds} distinct ids), the sender reported ${r.delivered} of ${r.sent}`);
  return r;
}

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

async function main(): Promise<void> {
  await build({ entryPoints: [join(ROOT, 'bench', 'hec-sender.ts')], outfile: SENDER, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const plain = await startSim([]);
  const acked = await startSim(['ack=1']);
  const figures: Record<string, unknown> = {};
  const targets: string[] = [];
  try {
    console.log(`HEC sink benchmark: ${SIZES.map(fmt).join(' and ')} events, best of ${REPEAT} interleaved runs, simulator and each sender in its own process`);
    for (const n of SIZES) {
      const kinds: Array<[SenderKind, Sim]> = [
        ['limit', plain],
        ['ours', plain],
        ['ours-gzip', plain],
        ['ours-ack', acked],
        ['splunk-logging-best', plain],
      ];
      const best = new Map<SenderKind, SenderResult>();
      const bestCpu = new Map<SenderKind, SenderResult>();
      const peak = new Map<SenderKind, number>();
      for (let rep = 0; rep < REPEAT; rep++) {
        for (const [kind, sim] of kinds) {
          const r = await measure(kind, n, sim);
          const prev = best.get(kind);
          if (!prev || r.eventsPerSec > prev.eventsPerSec) best.set(kind, r);
          const prevCpu = bestCpu.get(kind);
          if (!prevCpu || r.eventsPerCpuSec > prevCpu.eventsPerCpuSec) bestCpu.set(kind, r);
          peak.set(kind, Math.max(peak.get(kind) ?? 0, r.peakRssMB));
        }
      }
      const defaults = await measure('splunk-logging-defaults', Math.min(n, DEFAULTS_MAX_EVENTS), plain, { timeBudgetMs: DEFAULTS_TIME_MS });
      best.set('splunk-logging-defaults', defaults);
      bestCpu.set('splunk-logging-defaults', defaults);
      peak.set('splunk-logging-defaults', defaults.peakRssMB);

      const eps = (k: SenderKind) => best.get(k)!.eventsPerSec;
      const cps = (k: SenderKind) => bestCpu.get(k)!.eventsPerCpuSec;
      const label: Record<SenderKind, string> = {
        ours: '(a) our sink, no gzip',
        'ours-gzip': '(b) our sink, gzip',
        'ours-ack': '(c) our sink, gzip + indexer ack',
        'splunk-logging-best': '(d) splunk-logging, best batching (1 MiB)',
        'splunk-logging-defaults': '(e) splunk-logging, defaults',
        limit: '(f) limit: serialise into 1 MiB buffers, no network',
      };
      console.log(`\n${fmt(n)} events (~${Math.round(best.get('ours')!.eventBytes)} bytes each as HEC JSON)`);
      for (const k of ['ours', 'ours-gzip', 'ours-ack', 'splunk-logging-best', 'splunk-logging-defaults', 'limit'] as SenderKind[]) {
        const r = best.get(k)!;
        let extra = k === 'splunk-logging-defaults' ? `  [measured on ${fmt(r.sent)} events in ${fmt(r.ms)} ms, one request each; ${fmt(n)} would take ~${fmt(n / r.eventsPerSec)} s at this rate (extrapolated)]` : '';
        if (k.startsWith('splunk-logging') && r.note) extra += `  [${r.note}]`;
        // Wall clock from the fastest run, CPU from the cheapest run (they may differ).
        console.log(`  ${label[k].padEnd(52)} ${fmt(r.eventsPerSec).padStart(9)} ev/s  ${fmt(bestCpu.get(k)!.eventsPerCpuSec).padStart(9)} ev/CPU-s   peak RSS ${String(peak.get(k)).padStart(6)} MB${extra}`);
      }
      const r = {
        a_vs_limit: ratio(eps('ours'), eps('limit')),
        b_vs_limit: ratio(eps('ours-gzip'), eps('limit')),
        c_vs_limit: ratio(eps('ours-ack'), eps('limit')),
        a_vs_splunk_logging_best: ratio(eps('ours'), eps('splunk-logging-best')),
        a_vs_splunk_logging_defaults: ratio(eps('ours'), eps('splunk-logging-defaults')),
      };
      // The same ratios per CPU-second of the sender: its own cost, free of the machine's load
      // and of the simulator's share of the CPU (the limit needs no simulator at all).
      const cpuRatios = {
        a_vs_limit: ratio(cps('ours'), cps('limit')),
        b_vs_limit: ratio(cps('ours-gzip'), cps('limit')),
        c_vs_limit: ratio(cps('ours-ack'), cps('limit')),
        a_vs_splunk_logging_best: ratio(cps('ours'), cps('splunk-logging-best')),
        a_vs_splunk_logging_defaults: ratio(cps('ours'), cps('splunk-logging-defaults')),
      };
      console.log(
        `  ratios: ours/limit (a) ${r.a_vs_limit}, (b) ${r.b_vs_limit}, (c) ${r.c_vs_limit};  ours/splunk-logging best ${r.a_vs_splunk_logging_best}, defaults ${r.a_vs_splunk_logging_defaults} (extrapolated)`,
      );
      console.log(
        `  per CPU-second of the sender: ours/limit (a) ${cpuRatios.a_vs_limit}, (b) ${cpuRatios.b_vs_limit}, (c) ${cpuRatios.c_vs_limit};  ours/splunk-logging best ${cpuRatios.a_vs_splunk_logging_best}, defaults ${cpuRatios.a_vs_splunk_logging_defaults}`,
      );
      const check = (name: string, ok: boolean) => {
        if (!ok) targets.push(`${fmt(n)}: ${name}`);
      };
      check(`(a) >= 0.8 x limit (got ${r.a_vs_limit})`, r.a_vs_limit >= 0.8);
      check(`(b) >= 0.6 x limit (got ${r.b_vs_limit})`, r.b_vs_limit >= 0.6);
      check(`(c) >= 0.6 x limit (got ${r.c_vs_limit})`, r.c_vs_limit >= 0.6);
      check(`(a) >= 1.0 x splunk-logging best (got ${r.a_vs_splunk_logging_best})`, r.a_vs_splunk_logging_best >= 1);
      check(`(a) >= 50 x splunk-logging defaults (got ${r.a_vs_splunk_logging_defaults})`, r.a_vs_splunk_logging_defaults >= 50);
      if (n >= 1_000_000) {
        for (const k of ['ours', 'ours-gzip', 'ours-ack'] as SenderKind[]) check(`${k} peak RSS <= 200 MB (got ${peak.get(k)})`, peak.get(k)! <= 200);
      }
      figures[String(n)] = {
        events_per_sec: Object.fromEntries([...best].map(([k, v]) => [k, v.eventsPerSec])),
        events_per_cpu_sec: Object.fromEntries([...bestCpu].map(([k, v]) => [k, v.eventsPerCpuSec])),
        peak_rss_mb: Object.fromEntries(peak),
        event_bytes: Math.round(best.get('ours')!.eventBytes),
        splunk_logging_defaults_measured_events: defaults.sent,
        splunk_logging_lost_events: Object.fromEntries([...best].filter(([k]) => k.startsWith('splunk-logging')).map(([k, v]) => [k, v.sent - v.delivered])),
        ratios: r,
        ratios_per_cpu_sec: cpuRatios,
      };
    }
    console.log(`\ntargets: ${targets.length === 0 ? 'all met' : `missed: ${targets.join('; ')}`}`);
    console.log(JSON.stringify({ bench: 'hec', repeat: REPEAT, sizes: SIZES, figures, targets_missed: targets }));
  } finally {
    plain.child.kill('SIGTERM');
    acked.child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(`bench:hec failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
