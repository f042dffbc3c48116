import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir, testContext } from '../../test/fixtures.ts';
import { generateDataset } from '../olist/generate/index.ts';
import { ingestDirectory } from './ingest.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/olist.js');

/** Starts `olist ingest` in a child process and SIGKILLs it once the load has begun. */
function killMidIngest(
  dir: string,
  dataDir: string,
): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'ingest', dir, '--data-dir', dataDir], {
      env: { ...process.env, OLIST_ENV: 'test', OLIST_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!killed && stderr.includes('ingest: loading')) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), 100);
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, stderr }));
  });
}

describe('an ingest killed midway', () => {
  const dirs: string[] = [];
  let source: string;
  let dataDir: string;

  beforeAll(async () => {
    source = tempDir('olist-gen-');
    dataDir = tempDir('olist-data-');
    dirs.push(source, dataDir);
    await generateDataset({ customers: 50_000, seed: 3, outDir: source });
    const ctx = await testContext(dataDir);
    try {
      await ingestDirectory(ctx.engine, ctx.catalog, { dir: source });
    } finally {
      await ctx.close();
    }
  });
  afterAll(() => dirs.forEach(removeDir));

  it('leaves no half version visible, and the next ingest works', async () => {
    const { signal, stderr } = await killMidIngest(source, dataDir);
    expect(signal, stderr).toBe('SIGKILL');

    const ctx = await testContext(dataDir);
    try {
      // Before any cleanup: the killed load is not published and version 1 is still current.
      const all = await ctx.catalog.list({ includeFailed: true });
      expect(all.map((v) => [v.version, v.status])).toEqual([
        [1, 'published'],
        [2, 'loading'],
      ]);
      expect((await ctx.currentDataset()).version).toBe(1);
      expect((await ctx.catalog.list()).map((v) => v.version)).toEqual([1]);

      const next = await ingestDirectory(ctx.engine, ctx.catalog, { dir: source });
      expect(next.version).toBe(3);
      expect((await ctx.currentDataset()).version).toBe(3);
      const after = await ctx.catalog.list({ includeFailed: true });
      expect(after.find((v) => v.version === 2)?.status).toBe('abandoned');
      const schemas = await ctx.engine.all<{ s: string }>(
        `SELECT schema_name AS s FROM information_schema.schemata WHERE schema_name LIKE 'ds_%' ORDER BY 1`,
      );
      expect(schemas.map((s) => s.s)).toEqual(['ds_1', 'ds_3']);
    } finally {
      await ctx.close();
    }
  });
});
