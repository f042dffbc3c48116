import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRealData, realSampleDir, removeDir, tempDir } from '../../test/fixtures.ts';
import { buildProgram } from './main.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/olist.js');

function olist(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OLIST_ENV: 'test', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every command and sub-command of the program, as argument paths. */
function commandPaths(program: Command): string[][] {
  const paths: string[][] = [];
  const walk = (cmd: Command, prefix: string[]) => {
    for (const sub of cmd.commands) {
      const p = [...prefix, sub.name()];
      paths.push(p);
      walk(sub, p);
    }
  };
  walk(program, []);
  return paths;
}

describe('olist CLI', () => {
  const dataDirs: string[] = [];
  afterAll(() => dataDirs.forEach(removeDir));

  it('has --help on every command, and every command that touches data takes --data-dir', async () => {
    const program = await buildProgram();
    const paths = commandPaths(program);
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining([
        'generate',
        'ingest',
        'datasets',
        'config',
        'validate',
        'profile',
        'serve',
        'start',
      ]),
    );
    // The real binary prints help and exits 0 (one process; the rest is checked in-process).
    const top = olist(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: olist/);
    const byPath = (p: string[]) => {
      let cmd = program;
      for (const name of p) cmd = cmd.commands.find((c) => c.name() === name)!;
      return cmd;
    };
    for (const p of paths) {
      const cmd = byPath(p);
      const help = cmd.helpInformation();
      expect(help, p.join(' ')).toMatch(new RegExp(`Usage: olist ${p.join(' ')}`));
      // Leaf commands other than generate (which writes files only) and help take --data-dir.
      if (cmd.commands.length === 0 && p[0] !== 'generate' && p.at(-1) !== 'help') {
        expect(help, `${p.join(' ')} --data-dir`).toContain('--data-dir');
      }
    }
  });

  it('exits 2 with a clear message on a usage error and on unusable input', () => {
    const usage = olist(['ingest']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument 'dir'/);
    const d = tempDir();
    dataDirs.push(d);
    const bad = olist(['ingest', '/nonexistent/folder', '--data-dir', d]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error \[INPUT_INVALID\]: not a directory: \/nonexistent\/folder/);
  });

  it('prints the effective config with secrets redacted', () => {
    const secret = 's'.repeat(40);
    const r = olist(['config', '--format', 'json'], {
      OLIST_JWT_SECRET: secret,
      OLIST_DATA_DIR: '/tmp/somewhere',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(secret);
    const shown = JSON.parse(r.stdout) as { config: { data_dir: string; security: { jwt_secret: string } } };
    expect(shown.config.data_dir).toBe('/tmp/somewhere');
    expect(shown.config.security.jwt_secret).toBe('[redacted]');
  });

  it('names a bad configuration key and exits 2', () => {
    const r = olist(['config'], { OLIST_SERVER__PORT: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/server\.port/);
  });

  it.skipIf(!hasRealData)('ingests a folder and lists versions as JSON and CSV', () => {
    const d = tempDir();
    const src = realSampleDir();
    dataDirs.push(d, src);
    const ing = olist(['ingest', src, '--data-dir', d, '--format', 'json']);
    expect(ing.code, ing.stderr).toBe(0);
    expect(JSON.parse(ing.stdout)).toMatchObject({ version: 1, rowCounts: { orders: 4000 } });
    const list = olist(['datasets', '--format', 'json'], { OLIST_DATA_DIR: d });
    const versions = JSON.parse(list.stdout) as { version: number; is_current: boolean }[];
    expect(versions).toMatchObject([{ version: 1, is_current: true }]);
    const csv = olist(['datasets', 'list', '--format', 'csv', '--data-dir', d]);
    expect(csv.stdout.split('\n')[0]).toMatch(/^version,current,status,loaded_at/);
  });
});
