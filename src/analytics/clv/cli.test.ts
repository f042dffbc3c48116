import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../../../test/fixtures.ts';
import { register } from '../../cli/commands/clv.ts';
import { OlistError } from '../../core/errors.ts';
import { benchClv } from './bench.ts';
import { CDNOW_SAMPLE, CDNOW_SUMMARY, CDNOW_WITH_TX, cdnowSkipReason, hasCdnow } from './testFixtures.ts';

let dir: string;
beforeAll(() => {
  dir = tempDir('olist-clv-cli-');
});
afterAll(() => removeDir(dir));

async function olistClv(args: string[]): Promise<void> {
  const program = new Command('olist').exitOverride();
  register(program);
  await program.parseAsync(['clv', ...args, '--data-dir', dir], { from: 'user' });
}

describe.skipIf(!hasCdnow)(`olist clv on CDNOW files ${hasCdnow ? '' : cdnowSkipReason}`, () => {
  it('summary rebuilds the published summary from CDNOW_sample.txt', async () => {
    const out = path.join(dir, 'summary.csv');
    await olistClv([
      'summary',
      '--transactions',
      CDNOW_SAMPLE,
      '--customer-col',
      '2',
      '--date-col',
      '3',
      '--value-col',
      '5',
      '--date-format',
      '%Y%m%d',
      '--calibration-end',
      '1997-09-30',
      '--observation-end',
      '1998-06-30',
      '--unit',
      'weeks',
      '--decimals',
      '2',
      '--out',
      out,
    ]);
    const ours = readFileSync(out, 'utf8').trim().split('\n');
    expect(ours[0]).toBe(
      'customer_id,frequency,recency,T,monetary_value,frequency_holdout,value_holdout,duration_holdout',
    );
    const ref = readFileSync(CDNOW_WITH_TX, 'utf8').trim().split('\n').slice(1);
    expect(ours.length - 1).toBe(ref.length);
    ref.forEach((line, i) => {
      const [id, x, tx, T, zbar] = line.split(',').map(Number);
      const [oid, ox, otx, oT, om] = (ours[i + 1] as string).split(',').map(Number);
      expect([oid, ox, otx, oT, om]).toEqual([id, x, tx, T, zbar]);
    });
  });

  it('fit --format json prints literature keys and loglik; predict reuses the saved parameters', async () => {
    const fitOut = path.join(dir, 'fit.json');
    await olistClv([
      'fit',
      '--model',
      'bgnbd',
      '--summary',
      CDNOW_SUMMARY,
      '--format',
      'json',
      '--out',
      fitOut,
    ]);
    const fit = JSON.parse(readFileSync(fitOut, 'utf8')) as {
      params: Record<string, number>;
      standard_errors: Record<string, number>;
      loglik: number;
      convergence: { converged: boolean };
    };
    expect(Object.keys(fit.params)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(Math.abs(fit.loglik - -9582.4)).toBeLessThanOrEqual(0.1);
    expect(fit.convergence.converged).toBe(true);
    const ggOut = path.join(dir, 'gg.json');
    await olistClv([
      'fit',
      '--model',
      'gammagamma',
      '--summary',
      CDNOW_WITH_TX,
      '--format',
      'json',
      '--out',
      ggOut,
    ]);
    const predOut = path.join(dir, 'pred.csv');
    await olistClv([
      'predict',
      '--summary',
      CDNOW_WITH_TX,
      '--horizon',
      '52',
      '--unit',
      'weeks',
      '--params',
      fitOut,
      '--spend-params',
      ggOut,
      '--out',
      predOut,
    ]);
    const lines = readFileSync(predOut, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'ID,frequency,recency,T,monetary_value,expected_purchases,p_alive,expected_avg_value,clv',
    );
    expect(lines).toHaveLength(2358);
    expect(lines[1]).toMatch(/^1,2,30\.43,38\.86,22\.35,/);
  });

  it('validate prints the holdout table; a summary file cannot be validated', async () => {
    const out = path.join(dir, 'validate.txt');
    await olistClv([
      'validate',
      '--transactions',
      CDNOW_SAMPLE,
      '--customer-col',
      '2',
      '--date-col',
      '3',
      '--calibration-end',
      '1997-09-30',
      '--observation-end',
      '1998-06-30',
      '--models',
      'bgnbd',
      '--out',
      out,
    ]);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/1882 holdout purchases/);
    expect(text).toMatch(/7\+\s+64\s+6\.359/);
    await expect(
      olistClv(['validate', '--summary', CDNOW_SUMMARY, '--calibration-end', '1997-09-30']),
    ).rejects.toThrow(/calibration end needs a transaction log/);
  });
});

describe('olist clv errors', () => {
  it('exits MODEL_NOT_CONVERGED (after printing) when the data do not identify the model', async () => {
    const file = path.join(dir, 'flat.csv');
    writeFileSync(
      file,
      `frequency,recency,T\n${Array.from({ length: 50 }, (_, i) => `0,0,${10 + (i % 7)}`).join('\n')}\n`,
    );
    const out = path.join(dir, 'flat.json');
    const err = await olistClv([
      'fit',
      '--model',
      'bgnbd',
      '--summary',
      file,
      '--format',
      'json',
      '--out',
      out,
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OlistError);
    expect((err as OlistError).code).toBe('MODEL_NOT_CONVERGED');
    expect(readFileSync(out, 'utf8')).not.toMatch(/NaN/);
  });
});

describe('benchClv', () => {
  it('times summary, fits and predictions on a simulated log', async () => {
    const r = await benchClv(3000, { dir, models: ['bgnbd', 'gammagamma'] });
    expect(r.detail.customers).toBe(3000);
    expect(r.detail.bgnbd_converged).toBe('true');
    for (const k of [
      'summary_ms',
      'fit_bgnbd_ms',
      'fit_gammagamma_ms',
      'predict_bgnbd_clv_ms',
      'peak_rss_mb',
    ]) {
      expect(typeof r.detail[k]).toBe('number');
    }
    expect(r.ms).toBeGreaterThan(0);
  });
});
