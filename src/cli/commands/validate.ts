import { existsSync, statSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { OlistError } from '../../core/errors.ts';
import { formatTerminal, type QualityReport, renderHtml } from '../../quality/report.ts';
import { validateDataset, validateDirectory } from '../../quality/service.ts';
import { loadRulesFile } from '../../quality/yamlRules.ts';
import { type CommonOptions, isoDate, positiveInt, withContext, withDataDir } from '../shared.ts';

export const REPORT_FORMATS = ['text', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

interface ValidateFlags extends CommonOptions {
  format: ReportFormat;
  output?: string;
  asOf?: string;
  rules?: string;
  previous?: number;
  drift: boolean;
  save: boolean;
}

/** The report in a format, as text. */
export function renderReport(report: QualityReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'html') return renderHtml(report);
  return formatTerminal(report);
}

/**
 * `olist validate [dir-or-version]`: runs the quality suite on a folder of CSV files (loaded
 * without publishing) or on a data set version (default: the current one) and prints the report.
 * Exit code 0 when no error-severity rule fails, 1 when one does, 2 on unusable input.
 */
export function register(program: Command): void {
  const cmd = program
    .command('validate')
    .description(
      'run the data-quality suite on a folder of Olist CSV files (nothing is published) or on a data set version; ' +
        'exit 0 = no error-severity rule failed, 1 = one did, 2 = unusable input',
    )
    .argument(
      '[target]',
      'a folder of Olist CSV files, or a data set version number (default: the current version)',
    )
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option(
      '--as-of <date>',
      'reference date YYYY-MM-DD for freshness rules (default: today)',
      isoDate('--as-of'),
    )
    .option('--rules <file>', 'YAML file of extra rules (a list, or a mapping with a "rules" list)')
    .option(
      '--previous <version>',
      'compare drift with this version (default: the previous published one; a folder is compared with the current version)',
      positiveInt('--previous'),
    )
    .option('--no-drift', 'do not compare with a previous version')
    .option('--save', 'store the report with the data set version (versions only)', false);
  withDataDir(cmd).action(async (target: string | undefined, flags: ValidateFlags) => {
    const extraRules = flags.rules ? loadRulesFile(flags.rules) : [];
    await withContext(flags, async (ctx) => {
      const suite = { asOf: flags.asOf, extraRules };
      const isDir = target !== undefined && existsSync(target) && statSync(target).isDirectory();
      let report: QualityReport;
      if (target === undefined || (!isDir && /^\d+$/.test(target))) {
        const version = target === undefined ? undefined : positiveInt('<target>')(target);
        report = await validateDataset(ctx, version, {
          ...suite,
          previous: flags.drift ? flags.previous : null,
          save: flags.save,
        });
      } else {
        // A folder (a missing one is reported by ingest as unusable input, exit 2).
        report = await validateDirectory(ctx, target, suite);
      }
      const text = renderReport(report, flags.format);
      if (flags.output) {
        writeFileSync(flags.output, text);
        process.stdout.write(
          `${report.status.toUpperCase()}: ${report.summary.failed_errors} error(s), ${report.summary.failed_warnings} warning(s) failed; report written to ${flags.output}\n`,
        );
      } else {
        process.stdout.write(text);
      }
      if (!report.passed) {
        // VALIDATION_FAILED maps to exit code 1 in the CLI's error table (main() turns it into the exit code).
        throw new OlistError(
          'VALIDATION_FAILED',
          `${report.summary.failed_errors} error-severity rule(s) failed: ${report.results
            .filter((r) => r.severity === 'error' && (r.status === 'fail' || r.status === 'error'))
            .map((r) => r.id)
            .join(', ')}`,
        );
      }
    });
  });
}
