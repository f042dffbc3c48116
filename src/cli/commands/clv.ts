import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { csvBody, emit, openSink } from '../../analytics/cliFormat.ts';
import { CLV_MODELS, type FitResult, PURCHASE_MODELS } from '../../analytics/clv/fit.ts';
import {
  type ClvEnv,
  type ClvSource,
  clvPlotData,
  fitClv,
  type PredictionRow,
  predictClv,
  summarizeClv,
  validateClv,
} from '../../analytics/clv/service.ts';
import type { AnalysisResult } from '../../analytics/result.ts';
import { loadConfig } from '../../core/config.ts';
import { InputError, OlistError } from '../../core/errors.ts';
import { Engine } from '../../engine/engine.ts';
import { formatCsv, formatTable, printJson } from '../output.ts';
import {
  type CommonOptions,
  isoDate,
  nonNegativeNumber,
  overridesOf,
  positiveInt,
  withContext,
  withDataDir,
  withFormat,
} from '../shared.ts';

/** Flags shared by every `olist clv` sub-command: where the customers come from and the period. */
interface SourceFlags extends CommonOptions {
  summary?: string;
  idCol?: string;
  transactions?: string;
  customerCol?: string;
  dateCol?: string;
  valueCol?: string;
  dateFormat?: string;
  delimiter?: string;
  header?: boolean;
  unit: 'days' | 'weeks';
  asOf?: string;
  datasetVersion?: number;
  calibrationEnd?: string;
  observationEnd?: string;
  penalizer: number;
  out?: string;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${flag} expects a number > 0, got "${value}"`);
    return n;
  };
}

function discountRate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= -1)
    throw new InvalidArgumentError(`--discount-rate expects a number > -1, got "${value}"`);
  return n;
}

/** Adds the source, period and output flags of every `olist clv` sub-command. */
function withSource(cmd: Command, opts: { calibration: 'optional' | 'required' | 'none' }): Command {
  cmd
    .option(
      '--summary <file>',
      'summary CSV: frequency,recency,T[,monetary_value] (or x,t_x,T,zbar) and an optional id column',
    )
    .option(
      '--id-col <name>',
      'id column of --summary (default: the first column that is not a summary quantity)',
    )
    .option(
      '--transactions <file>',
      'transaction log (CSV, or whitespace-aligned text such as CDNOW_sample.txt)',
    )
    .option(
      '--customer-col <col>',
      'customer column of --transactions (name, or 1-based position without a header)',
    )
    .option('--date-col <col>', 'date column of --transactions')
    .option(
      '--value-col <col>',
      'purchase value column of --transactions (enables monetary value and Gamma-Gamma)',
    )
    .option(
      '--date-format <fmt>',
      'strptime format of the date column, e.g. %Y%m%d (default: ISO dates or YYYYMMDD)',
    )
    .option(
      '--delimiter <d>',
      "delimiter of --transactions: ',', ';', tab, '|' or whitespace (default: detected)",
    )
    .option('--no-header', 'the --transactions file has no header line (default: detected)')
    .addOption(
      new Option('--unit <unit>', 'time unit of frequency/recency/T')
        .choices(['days', 'weeks'])
        .default('weeks'),
    )
    .option(
      '--as-of <date>',
      'data set: purchases before this date, YYYY-MM-DD (default: the day after the latest)',
      isoDate('--as-of'),
    )
    .addOption(
      new Option('--dataset-version <n>', 'data set version (default: current)').argParser(
        positiveInt('--dataset-version'),
      ),
    )
    .option(
      '--observation-end <date>',
      'inclusive end of the observation period (default: the latest purchase day; the as-of date for the data set)',
      isoDate('--observation-end'),
    );
  if (opts.calibration === 'required') {
    cmd.requiredOption(
      '--calibration-end <date>',
      'inclusive end of the calibration period; purchases after it are the holdout',
      isoDate('--calibration-end'),
    );
  } else if (opts.calibration === 'optional') {
    cmd.option(
      '--calibration-end <date>',
      'inclusive end of the calibration period (adds holdout columns)',
      isoDate('--calibration-end'),
    );
  }
  cmd.option(
    '--penalizer <x>',
    'L2 penalty on the parameters (lifetimes penalizer_coef)',
    nonNegativeNumber('--penalizer'),
    0,
  );
  cmd.option('--out <file>', 'write to this file instead of stdout');
  return withDataDir(cmd);
}

function sourceOf(flags: SourceFlags): ClvSource {
  if (flags.summary && flags.transactions)
    throw new InputError('give either --summary or --transactions, not both');
  if (flags.summary)
    return { kind: 'summary', file: flags.summary, ...(flags.idCol ? { id_col: flags.idCol } : {}) };
  if (flags.transactions) {
    if (!flags.customerCol || !flags.dateCol) {
      throw new InputError('--transactions needs --customer-col and --date-col');
    }
    return {
      kind: 'transactions',
      file: flags.transactions,
      customer_col: flags.customerCol,
      date_col: flags.dateCol,
      ...(flags.valueCol ? { value_col: flags.valueCol } : {}),
      ...(flags.dateFormat ? { date_format: flags.dateFormat } : {}),
      ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
      ...(flags.header === false ? { header: false } : {}),
    };
  }
  return { kind: 'dataset' };
}

function commonParams(flags: SourceFlags) {
  return {
    source: sourceOf(flags),
    unit: flags.unit,
    penalizer: flags.penalizer,
    ...(flags.asOf ? { as_of: flags.asOf } : {}),
    ...(flags.datasetVersion ? { dataset_version: flags.datasetVersion } : {}),
    ...(flags.calibrationEnd ? { calibration_end: flags.calibrationEnd } : {}),
    ...(flags.observationEnd ? { observation_end: flags.observationEnd } : {}),
  };
}

/** Runs `fn` with the app context (data set source) or an in-memory engine (file sources). */
async function withEnv<T>(flags: SourceFlags, fn: (env: ClvEnv) => Promise<T>): Promise<T> {
  if (!flags.summary && !flags.transactions) return withContext(flags, fn);
  const { config } = loadConfig({ overrides: overridesOf(flags) });
  const engine = await Engine.open({
    path: ':memory:',
    threads: config.engine.threads,
    memoryLimit: config.engine.memory_limit,
  });
  try {
    return await fn({ engine });
  } finally {
    engine.close();
  }
}

function warn(result: AnalysisResult<unknown>): void {
  for (const w of result.meta.warnings) process.stderr.write(`warning: ${w}\n`);
}

function failIfNotConverged(fits: readonly (FitResult | null)[]): void {
  const bad = fits.filter((f): f is FitResult => f !== null && !f.convergence.converged);
  if (bad.length > 0) {
    throw new OlistError(
      'MODEL_NOT_CONVERGED',
      bad.map((f) => `${f.model} did not converge: ${f.convergence.reason}`).join('; '),
    );
  }
}

/** Decimal rounding that treats x.xx5 as written (18.135 → 18.14), for summary output. */
function roundTo(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(Number((v * f).toPrecision(15))) / f;
}

async function writeRows(
  rows: readonly PredictionRow[],
  columns: readonly string[],
  format: 'csv' | 'json' | 'table',
  out?: string,
): Promise<void> {
  if (format === 'table') {
    await emit(formatTable(rows, columns), out);
    return;
  }
  const sink = openSink(out);
  try {
    const chunk = 50_000;
    if (format === 'json') {
      await sink.write('[');
      for (let i = 0; i < rows.length; i += chunk) {
        const body = rows
          .slice(i, i + chunk)
          .map((r) => JSON.stringify(r))
          .join(',\n');
        await sink.write(`${i === 0 ? '\n' : ',\n'}${body}`);
      }
      await sink.write('\n]\n');
    } else {
      for (let i = 0; i < rows.length || i === 0; i += chunk) {
        const part = rows.slice(i, i + chunk);
        await sink.write(i === 0 ? formatCsv(part, columns) : csvBody(part, columns));
        if (rows.length === 0) break;
      }
    }
  } finally {
    await sink.close();
  }
}

function fitTable(fit: FitResult): string {
  const rows = Object.keys(fit.params).map((name) => ({
    parameter: name,
    estimate: fit.params[name] ?? null,
    std_error: fit.standard_errors[name] ?? null,
    ci95_low: fit.ci95[name]?.[0] ?? null,
    ci95_high: fit.ci95[name]?.[1] ?? null,
  }));
  const c = fit.convergence;
  return [
    `${fit.model}: ${fit.n_customers.toLocaleString('en-US')} customers (${fit.n_rows.toLocaleString('en-US')} unique rows), penalizer ${fit.penalizer}`,
    formatTable(rows).trimEnd(),
    `loglik ${fit.loglik === null ? 'n/a' : fit.loglik.toFixed(4)}  AIC ${fit.aic?.toFixed(2) ?? 'n/a'}  BIC ${fit.bic?.toFixed(2) ?? 'n/a'}`,
    `converged: ${c.converged} (${c.reason}); ${c.method}; ${c.iterations} iterations, ${c.evaluations} evaluations, gradient norm ${c.gradient_norm?.toExponential(2) ?? 'n/a'}`,
    '',
  ].join('\n');
}

interface ParamsFile {
  purchase?: Record<string, number>;
  spend?: Record<string, number>;
}

/** Reads saved parameters: `olist clv fit --format json` output(s), a list of them, or {purchase, spend}. */
function readParamsFiles(files: readonly string[], model: string): ParamsFile {
  const out: ParamsFile = {};
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.model === 'string' && o.params && typeof o.params === 'object') {
      const params = o.params as Record<string, number>;
      if (o.model === 'gammagamma') out.spend = params;
      else if (o.model === model) out.purchase = params;
      return;
    }
    if (o.purchase && typeof o.purchase === 'object') out.purchase = o.purchase as Record<string, number>;
    if (o.spend && typeof o.spend === 'object') out.spend = o.spend as Record<string, number>;
    if (o.data) visit(o.data);
    if (o.fit) visit(o.fit);
  };
  for (const f of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(f, 'utf8'));
    } catch (err) {
      throw new InputError(`cannot read parameters from ${f}: ${(err as Error).message}`);
    }
    visit(parsed);
  }
  if (!out.purchase) throw new InputError(`no ${model} parameters in ${files.join(', ')}`);
  return out;
}

export function register(program: Command): void {
  const clv = program
    .command('clv')
    .description(
      'customer lifetime value: BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma — summary, fit, predict, validate',
    );

  // olist clv summary
  const summary = withSource(
    clv
      .command('summary')
      .description(
        'per-customer frequency (repeat purchase days), recency, T and monetary value (mean repeat purchase)',
      ),
    { calibration: 'optional' },
  ).option('--decimals <n>', 'round recency, T and values to this many decimals', positiveInt('--decimals'));
  withFormat(summary, ['csv', 'json', 'table']).action(
    async (flags: SourceFlags & { format: 'csv' | 'json' | 'table'; decimals?: number }) => {
      await withEnv(flags, async (env) => {
        const result = await summarizeClv(env, commonParams(flags));
        warn(result);
        const d = result.data;
        let rows = d.customers;
        if (flags.decimals !== undefined) {
          const dec = flags.decimals;
          rows = rows.map((r) =>
            Object.fromEntries(
              Object.entries(r).map(([k, v]) => [
                k,
                typeof v === 'number' && k !== 'frequency' && k !== 'frequency_holdout' ? roundTo(v, dec) : v,
              ]),
            ),
          );
        }
        if (flags.format === 'json' && flags.decimals === undefined) {
          await emit(`${JSON.stringify({ meta: result.meta, ...d }, null, 2)}\n`, flags.out);
          return;
        }
        await writeRows(rows, d.columns, flags.format, flags.out);
      });
    },
  );

  // olist clv fit
  const fit = withSource(
    clv
      .command('fit')
      .description(
        'fit a model by maximum likelihood: parameters, standard errors, log-likelihood, convergence',
      )
      .addOption(new Option('--model <model>', 'model').choices([...CLV_MODELS]).makeOptionMandatory()),
    { calibration: 'optional' },
  );
  withFormat(fit, ['table', 'json']).action(
    async (flags: SourceFlags & { format: 'table' | 'json'; model: string }) => {
      await withEnv(flags, async (env) => {
        const result = await fitClv(env, {
          ...commonParams(flags),
          model: flags.model as (typeof CLV_MODELS)[number],
        });
        warn(result);
        const d = result.data;
        if (flags.format === 'json') {
          await emit(
            `${JSON.stringify({ ...d.fit, unit: d.unit, independence: d.independence, meta: result.meta }, null, 2)}\n`,
            flags.out,
          );
        } else {
          let text = fitTable(d.fit);
          if (d.independence) {
            const rho = d.independence.pearson_frequency_monetary;
            text += `independence check: Pearson r(frequency, monetary) = ${rho === null ? 'n/a' : rho.toFixed(4)} over ${d.independence.repeat_buyers} repeat buyers — ${d.independence.note}\n`;
          }
          await emit(text, flags.out);
        }
        failIfNotConverged([d.fit]);
      });
    },
  );

  // olist clv predict
  const predict = withSource(
    clv
      .command('predict')
      .description('per-customer expected purchases, P(alive), expected average value and CLV over a horizon')
      .addOption(
        new Option('--model <model>', 'purchase model').choices([...PURCHASE_MODELS]).default('bgnbd'),
      )
      .requiredOption('--horizon <n>', 'prediction horizon in --unit', positiveNumber('--horizon'))
      .option('--discount-rate <x>', 'monthly discount rate for CLV', discountRate, 0.01)
      .option(
        '--params <file>',
        'saved parameters (JSON from `olist clv fit --format json`) instead of fitting',
      )
      .option(
        '--spend-params <file>',
        'saved Gamma-Gamma parameters (JSON from `olist clv fit --model gammagamma`)',
      )
      .option('--no-spend', 'no Gamma-Gamma value or CLV even when monetary values are present')
      .addOption(
        new Option('--sort <column>', 'sort customers (descending) by')
          .choices(['input', 'clv', 'expected_purchases', 'p_alive'])
          .default('input'),
      )
      .option('--limit <n>', 'only the first n customers (after sorting)', positiveInt('--limit')),
    { calibration: 'optional' },
  );
  withFormat(predict, ['csv', 'json', 'table']).action(
    async (
      flags: SourceFlags & {
        format: 'csv' | 'json' | 'table';
        model: (typeof PURCHASE_MODELS)[number];
        horizon: number;
        discountRate: number;
        params?: string;
        spendParams?: string;
        spend: boolean;
        sort: 'input' | 'clv' | 'expected_purchases' | 'p_alive';
        limit?: number;
      },
    ) => {
      const files = [flags.params, flags.spendParams].filter((f): f is string => typeof f === 'string');
      if (flags.spendParams && !flags.params) throw new InputError('--spend-params needs --params');
      const saved = files.length ? readParamsFiles(files, flags.model) : null;
      await withEnv(flags, async (env) => {
        const result = await predictClv(env, {
          ...commonParams(flags),
          model: flags.model,
          horizon: flags.horizon,
          discount_rate: flags.discountRate,
          spend: flags.spend,
          sort: flags.sort,
          ...(flags.limit ? { limit: flags.limit } : {}),
          ...(saved
            ? {
                saved_params: {
                  ...(saved.purchase ? { purchase: saved.purchase } : {}),
                  ...(saved.spend ? { spend: saved.spend } : {}),
                },
              }
            : {}),
        });
        warn(result);
        const d = result.data;
        if (flags.format === 'json') {
          const { customers, ...rest } = d;
          await emit(`${JSON.stringify({ meta: result.meta, ...rest, customers }, null, 2)}\n`, flags.out);
        } else {
          await writeRows(d.customers, d.columns, flags.format, flags.out);
        }
        failIfNotConverged([d.purchase_fit, d.spend_fit]);
      });
    },
  );

  // olist clv validate
  const validate = withSource(
    clv
      .command('validate')
      .description(
        'calibration/holdout validation: predicted vs actual holdout purchases by frequency, MAE, RMSE, total error',
      )
      .option('--models <list>', 'models to validate, comma-separated', PURCHASE_MODELS.join(','))
      .option(
        '--censor <n>',
        'calibration frequencies at or above n form one group',
        positiveInt('--censor'),
        7,
      ),
    { calibration: 'required' },
  );
  withFormat(validate, ['table', 'json']).action(
    async (flags: SourceFlags & { format: 'table' | 'json'; models: string; censor: number }) => {
      const models = flags.models.split(',').map((m) => m.trim());
      for (const m of models) {
        if (!(PURCHASE_MODELS as readonly string[]).includes(m)) {
          throw new InputError(
            `unknown model "${m}" in --models (choose from ${PURCHASE_MODELS.join(', ')})`,
          );
        }
      }
      await withEnv(flags, async (env) => {
        const result = await validateClv(env, {
          ...commonParams(flags),
          calibration_end: flags.calibrationEnd as string,
          models: models as (typeof PURCHASE_MODELS)[number][],
          censor: flags.censor,
        });
        warn(result);
        const d = result.data;
        if (flags.format === 'json') {
          await emit(`${JSON.stringify({ meta: result.meta, ...d }, null, 2)}\n`, flags.out);
        } else {
          const parts = [
            `calibration to ${d.calibration_end}, holdout ${d.holdout_duration.toFixed(2)} ${d.unit} to ${d.observation_end}; ${d.customers} customers, ${d.holdout_purchases} holdout purchases`,
            '',
          ];
          for (const m of d.models) {
            parts.push(
              `${m.model}: ${Object.entries(m.fit.params)
                .map(([k, v]) => `${k}=${v.toPrecision(4)}`)
                .join(' ')}  loglik ${m.fit.loglik?.toFixed(2) ?? 'n/a'}`,
            );
            parts.push(
              formatTable(
                m.groups.map((g) => ({
                  frequency: g.frequency,
                  customers: g.customers,
                  actual_mean: Math.round(g.actual_mean * 1000) / 1000,
                  predicted_mean: Math.round(g.predicted_mean * 1000) / 1000,
                })),
              ).trimEnd(),
            );
            const e = m.metrics;
            parts.push(
              `MAE ${e.mae.toFixed(4)}  RMSE ${e.rmse.toFixed(4)}  actual ${e.actual_total}  predicted ${e.predicted_total.toFixed(1)}  total error ${e.total_error_pct === null ? 'n/a' : `${e.total_error_pct.toFixed(2)}%`}`,
              '',
            );
          }
          await emit(`${parts.join('\n')}\n`, flags.out);
        }
        failIfNotConverged(d.models.map((m) => m.fit));
      });
    },
  );

  // olist clv plots
  const plots = withSource(
    clv
      .command('plots')
      .description(
        'plot data as JSON: frequency/recency matrices, expected purchases curve, holdout comparison, tracking',
      )
      .addOption(
        new Option('--model <model>', 'purchase model').choices([...PURCHASE_MODELS]).default('bgnbd'),
      )
      .option(
        '--matrix-horizon <n>',
        'horizon of the expected-purchases matrix in --unit',
        positiveNumber('--matrix-horizon'),
        1,
      )
      .option('--matrix-size <n>', 'grid points per matrix axis', positiveInt('--matrix-size'), 40),
    { calibration: 'optional' },
  );
  plots.action(
    async (
      flags: SourceFlags & {
        model: (typeof PURCHASE_MODELS)[number];
        matrixHorizon: number;
        matrixSize: number;
      },
    ) => {
      await withEnv(flags, async (env) => {
        const result = await clvPlotData(env, {
          ...commonParams(flags),
          model: flags.model,
          matrix_horizon: flags.matrixHorizon,
          matrix_size: flags.matrixSize,
        });
        warn(result);
        if (flags.out) await emit(`${JSON.stringify(result, null, 2)}\n`, flags.out);
        else printJson(result);
      });
    },
  );
}
