import type { Command } from 'commander';
import { AUDIT_ACTIONS } from '../../appstate/audit.ts';
import { InputError, OlistError } from '../../core/errors.ts';
import { printJson, printRows } from '../output.ts';
import { type CommonOptions, positiveInt, withDataDir, withFormat } from '../shared.ts';
import { withAppState } from './users.ts';

export function register(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');

  withDataDir(
    audit
      .command('verify')
      .description('check the hash chain; exit code 1 and the first broken entry if tampered'),
  ).action(async (flags: CommonOptions) => {
    await withAppState(flags, (state) => {
      const r = state.audit.verify();
      if (!r.ok) {
        throw new OlistError(
          'VALIDATION_FAILED',
          `the audit log has been tampered with: ${r.checked} entries check out`,
          [{ location: `entry ${r.firstBroken!.id}`, message: r.firstBroken!.reason }],
        );
      }
      process.stdout.write(`Audit log OK: ${r.checked} entries, hash chain intact\n`);
    });
  });

  withFormat(
    withDataDir(
      audit
        .command('list')
        .description('the latest audit entries')
        .option('--limit <n>', 'entries to show', positiveInt('--limit'), 50)
        .option('--action <action>', `only this action (${AUDIT_ACTIONS.join(', ')})`),
    ),
    ['table', 'json', 'csv'],
  ).action(
    async (flags: CommonOptions & { limit: number; action?: string; format: 'table' | 'json' | 'csv' }) => {
      if (flags.action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(flags.action)) {
        throw new InputError(`unknown action "${flags.action}"`, [
          { location: '--action', message: AUDIT_ACTIONS.join(', ') },
        ]);
      }
      await withAppState(flags, (state) => {
        const { entries } = state.audit.query({
          action: flags.action,
          limit: flags.limit,
          offset: 0,
          order: 'desc',
        });
        if (flags.format === 'json') {
          printJson(entries);
          return;
        }
        printRows(
          entries.map((e) => ({ ...e, params: JSON.stringify(e.params) })),
          flags.format,
          ['id', 'ts', 'action', 'actor_type', 'actor', 'outcome', 'request_id', 'params'],
        );
      });
    },
  );
}
