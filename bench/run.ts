// `npm run bench`: generates data sets and times every stage in its own process, then writes
// bench/RESULTS.md. Sizes default to 100k and 1M customers; BENCH_SIZES=100000 runs one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StageResult } from './stage.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'out');
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const stages = (process.env.BENCH_STAGES ?? 'generate,ingest,quality,analytics,clv,export').split(',');

function runStage(stage: string, customers: number, csvDir: string, dataDir: string): StageResult {
  const stdout = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'stage.ts'), stage, String(customers), csvDir, dataDir],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as StageResult;
}

const results: StageResult[] = [];
for (const n of sizes) {
  const csvDir = path.join(out, `csv-${n}`);
  const dataDir = path.join(out, `data-${n}`);
  rmSync(csvDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const s of stages) {
    process.stderr.write(`bench: ${s} ${n.toLocaleString('en-US')} customers…\n`);
    const r = runStage(s, n, csvDir, dataDir);
    process.stderr.write(`  ${JSON.stringify(r)}\n`);
    results.push(r);
  }
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  '# Benchmark results',
  '',
  `Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}.`,
  `Command: \`npm run bench\`${process.env.BENCH_SIZES ? ` with BENCH_SIZES=${process.env.BENCH_SIZES}` : ''}. Run on ${new Date().toISOString().slice(0, 10)}.`,
  "Each stage runs in its own process; peak RSS is that process's maximum resident set size.",
  '',
  '| customers | stage | seconds | peak RSS (MB) | detail |',
  '|---:|---|---:|---:|---|',
  ...results.map(
    (r) =>
      `| ${r.customers.toLocaleString('en-US')} | ${r.stage} | ${(r.ms / 1000).toFixed(2)} | ${r.peak_rss_mb} | ${Object.entries(
        r.detail,
      )
        .map(([k, v]) => `${k}=${typeof v === 'number' ? v.toLocaleString('en-US') : v}`)
        .join(', ')} |`,
  ),
  '',
];
writeFileSync(path.join(here, 'RESULTS.md'), lines.join('\n'));
process.stderr.write(`bench: wrote ${path.join(here, 'RESULTS.md')}\n`);
