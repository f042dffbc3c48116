// Regenerates the documentation that is derived from code.
import { writeFileSync } from 'node:fs';
import { renderDataModelDoc } from '../src/olist/dataModelDoc.ts';

writeFileSync(new URL('../docs/data-model.md', import.meta.url), renderDataModelDoc());
console.log('wrote docs/data-model.md');
