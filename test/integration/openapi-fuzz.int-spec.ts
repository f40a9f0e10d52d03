import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { catalogService } from '../../apps/catalog/src/catalog.service';
import { queryService } from '../../apps/query/src/query.service';
import { EntityEventWriter } from '../support/entity-event-writer';
import { repoRoot } from '../support/global-setup';
import { provisionSchemathesis } from '../support/schemathesis';
import { eventually, isolatedEnv, RunningService, startService } from '../support/service-harness';
import { componentEntity, groupEntity, upsertEvent } from '../factories/entity-events';

// The fuzz run's time budget: fuzzing and stateful phases repeat until it is spent.
const FUZZ_SECONDS = 60;

/**
 * Fuzzes the query service against its own OpenAPI document with schemathesis, every check on:
 * a response the document does not declare, a 5xx, a schema-conforming request refused or a
 * non-conforming one accepted all fail the test.
 */
describe('the OpenAPI document matches the query service (schemathesis)', () => {
  let schemathesis: string;
  let catalog: RunningService;
  let query: RunningService;
  let writer: EntityEventWriter;

  beforeAll(async () => {
    schemathesis = await provisionSchemathesis();
    const env = isolatedEnv('openapi_fuzz');
    catalog = await startService(catalogService, env);
    query = await startService(queryService, env);
    writer = await EntityEventWriter.connect(env);
    await writer.send(
      upsertEvent(groupEntity('team-a')),
      upsertEvent(componentEntity('checkout', { type: 'service' }, { tags: ['java'], annotations: { 'backstage.io/techdocs-ref': 'dir:.' } })),
      upsertEvent(componentEntity('storefront', { type: 'website', dependsOn: ['component:default/checkout'] }), { repository: 'acme/storefront' }),
    );
    await eventually(async () => (((await (await fetch(`${query.url}/api/catalog/entities`)).json()) as unknown[]).length === 3 ? true : undefined));
  }, 15 * 60 * 1000);

  afterAll(async () => {
    await writer?.disconnect();
    await query?.close();
    await catalog?.close();
  });

  it(`passes a ${FUZZ_SECONDS} s schemathesis run with every check`, async () => {
    const reportDir = path.join(repoRoot, '.callboard', 'schemathesis');
    const args = [
      '--config-file',
      path.join(repoRoot, 'test', 'support', 'schemathesis.toml'),
      'run',
      `${query.url}/api/catalog/openapi.json`,
      '--url',
      query.url,
      '--max-time',
      String(FUZZ_SECONDS),
      '--seed',
      '20261202',
      '--request-timeout',
      '10',
      '--max-response-time',
      '5',
      '--report',
      'junit',
      '--report-dir',
      reportDir,
      '--output-truncate',
      'true',
      '--no-color',
    ];
    // Its working folder gets schemathesis' own cache: kept under the ignored .callboard/.
    await mkdir(reportDir, { recursive: true });
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(schemathesis, args, { cwd: reportDir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' }, timeout: (FUZZ_SECONDS + 240) * 1000 }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` });
      });
    });
    await writeFile(path.join(reportDir, 'output.txt'), output);
    if (code !== 0) throw new Error(`schemathesis exited ${code}:\n${output.slice(-20000)}`);
  }, 10 * 60 * 1000);
});
