import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from '@callboard/contracts';

/** Writes docs/asyncapi.yaml from the contracts (`npm run docs:asyncapi`). */
const target = path.resolve(__dirname, '../../../docs/asyncapi.yaml');
writeFileSync(target, `# Generated from libs/contracts by \`npm run docs:asyncapi\`; do not edit.\n${stringify(buildAsyncApiDocument(), { lineWidth: 0 })}`);
process.stdout.write(`wrote ${target}\n`);
