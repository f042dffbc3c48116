import type { Command } from 'commander';
import { exitCodeOf, formatError } from '../core/errors.ts';

type CommandModule = { register(program: Command): void };

/**
 * Every command module, in help order, with the command names it registers. Modules are imported
 * lazily: running one command loads only its module (the server, exports and models are heavy).
 */
const COMMAND_MODULES: readonly { names: readonly string[]; load: () => Promise<CommandModule> }[] = [
  { names: ['generate'], load: () => import('./commands/generate.ts') },
  { names: ['ingest'], load: () => import('./commands/ingest.ts') },
  { names: ['datasets'], load: () => import('./commands/datasets.ts') },
  { names: ['validate'], load: () => import('./commands/validate.ts') },
  { names: ['profile'], load: () => import('./commands/profile.ts') },
  { names: ['rfm'], load: () => import('./commands/rfm.ts') },
  { names: ['cohort'], load: () => import('./commands/cohort.ts') },
  { names: ['overview', 'marketplace'], load: () => import('./commands/analytics.ts') },
  { names: ['clv'], load: () => import('./commands/clv.ts') },
  { names: ['export'], load: () => import('./commands/export.ts') },
  { names: ['serve'], load: () => import('./commands/serve.ts') },
  { names: ['users'], load: () => import('./commands/users.ts') },
  { names: ['audit'], load: () => import('./commands/audit.ts') },
  { names: ['config'], load: () => import('./commands/config.ts') },
  { names: ['start'], load: () => import('./commands/start.ts') },
];

/**
 * Builds the `olist` program. With `only`, just the module of that command is loaded (when it
 * names a known command); otherwise all of them, for help and unknown-command messages.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const { Command } = await import('commander');
  const program = new Command('olist')
    .description('Olist Analytics: validated ingest, data quality, RFM, cohorts, CLV, API and dashboard')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  const match = only ? COMMAND_MODULES.filter((m) => m.names.includes(only)) : [];
  const modules = await Promise.all((match.length ? match : COMMAND_MODULES).map((m) => m.load()));
  for (const m of modules) m.register(program);
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { CommanderError } = await import('commander');
  try {
    const program = await buildProgram(argv[0]);
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
