import { SQL_TYPE } from '../ingest/sqlTypes.ts';
import { ALL_TABLES } from './tables.ts';

/** docs/data-model.md, rendered from the one typed definition of the tables. */
export function renderDataModelDoc(): string {
  const out: string[] = [
    '# The Olist data model',
    '',
    '<!-- Generated from src/olist/tables.ts by `npm run docs`; a test fails when this file is stale. -->',
    '',
    'Nine CSV files, loaded by `olist ingest` into one schema per data set version. Column names and',
    'order are those of the published files (including the misspelled `_lenght` columns). Zip prefixes',
    'are 5-character strings (leading zeros kept; shorter all-digit values are left-padded). Empty',
    'fields are NULL. Timestamps are `YYYY-MM-DD HH:MM:SS` without zone (Brazil local time).',
    '',
  ];
  for (const t of ALL_TABLES) {
    out.push(
      `## ${t.name}`,
      '',
      `File \`${t.file}\`${t.optional ? ' (optional: an empty table when absent)' : ''}. ${t.description}`,
      '',
    );
    out.push(
      `Primary key: ${t.primaryKey.length ? t.primaryKey.map((k) => `\`${k}\``).join(' + ') : 'none enforced'}.`,
    );
    if (t.foreignKeys.length) {
      out.push(
        `References: ${t.foreignKeys.map((fk) => `\`${fk.columns.join(', ')}\` → \`${fk.table}.${fk.references.join(', ')}\``).join('; ')}.`,
      );
    }
    out.push('', '| # | column | type | SQL type | nullable | description |', '|---|---|---|---|---|---|');
    t.columns.forEach((c, i) => {
      out.push(
        `| ${i + 1} | \`${c.name}\` | ${c.type} | ${SQL_TYPE[c.type]} | ${c.nullable ? 'yes' : 'no'} | ${c.description} |`,
      );
    });
    out.push('');
  }
  return out.join('\n');
}
