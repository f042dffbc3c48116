import { Command, CommanderError } from 'commander';
import { exitCodeOf, formatError } from '../core/errors.ts';
import { register as registerAnalytics } from './commands/analytics.ts';
import { register as registerAudit } from './commands/audit.ts';
import { register as registerClv } from './commands/clv.ts';
import { register as registerCohort } from './commands/cohort.ts';
import { register as registerConfig } from './commands/config.ts';
import { register as registerDatasets } from './commands/datasets.ts';
import { register as registerExport } from './commands/export.ts';
import { register as registerGenerate } from './commands/generate.ts';
import { register as registerIngest } from './commands/ingest.ts';
import { register as registerProfile } from './commands/profile.ts';
import { register as registerRfm } from './commands/rfm.ts';
import { register as registerServe } from './commands/serve.ts';
import { register as registerStart } from './commands/start.ts';
import { register as registerUsers } from './commands/users.ts';
import { register as registerValidate } from './commands/validate.ts';

/** Builds the `olist` program; every command module registers itself. */
export function buildProgram(): Command {
  const program = new Command('olist')
    .description('Olist Analytics: validated ingest, data quality, RFM, cohorts, CLV, API and dashboard')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerGenerate,
    registerIngest,
    registerDatasets,
    registerValidate,
    registerProfile,
    registerRfm,
    registerCohort,
    registerAnalytics,
    registerClv,
    registerExport,
    registerServe,
    registerUsers,
    registerAudit,
    registerConfig,
    registerStart,
  ]) {
    register(program);
  }
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`${formatError(err)}\n`);
    if (process.env.OLIST_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return exitCodeOf(err);
  }
}
