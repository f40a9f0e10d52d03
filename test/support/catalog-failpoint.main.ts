import 'reflect-metadata';
import { runService } from '@callboard/observability';
import { CatalogModule } from '../../apps/catalog/src/catalog.module';
import { catalogService } from '../../apps/catalog/src/catalog.service';

/**
 * The catalog service with a crash built in, for crash tests only: SIGKILL right after a batch's
 * writes (`kill-before-publish`: written, not published) or right after its publication
 * (`kill-after-publish`: published, offsets not committed), at the first batch or at the
 * `batch`-th one. Usage: node catalog-failpoint.main.js <failpoint> [batch]
 */
const failpoint = process.argv[2];
const atBatch = Number(process.argv[3] ?? '1');
if ((failpoint !== 'kill-before-publish' && failpoint !== 'kill-after-publish') || !Number.isInteger(atBatch) || atBatch < 1) {
  process.stderr.write('usage: catalog-failpoint.main.js kill-before-publish|kill-after-publish [batch]\n');
  process.exit(2);
}
let batches = 0;
const kill = () => {
  if (++batches < atBatch) return;
  process.stderr.write(`failpoint ${failpoint} at batch ${batches}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
};
void runService({ ...catalogService, module: CatalogModule.forRoot({ hooks: failpoint === 'kill-before-publish' ? { afterWrite: kill } : { afterPublish: kill } }) });
