import 'reflect-metadata';
import { runService } from '@callboard/observability';
import { CatalogModule } from '../../apps/catalog/src/catalog.module';
import { catalogService } from '../../apps/catalog/src/catalog.service';

/**
 * The catalog service with a crash built in, for crash tests only: SIGKILL right after a batch's
 * writes (`kill-before-publish`: written, not published) or right after its publication
 * (`kill-after-publish`: published, offsets not committed). Usage: node catalog-failpoint.main.js <failpoint>
 */
const failpoint = process.argv[2];
if (failpoint !== 'kill-before-publish' && failpoint !== 'kill-after-publish') {
  process.stderr.write('usage: catalog-failpoint.main.js kill-before-publish|kill-after-publish\n');
  process.exit(2);
}
const kill = () => {
  process.stderr.write(`failpoint ${failpoint}: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
};
void runService({ ...catalogService, module: CatalogModule.forRoot({ hooks: failpoint === 'kill-before-publish' ? { afterWrite: kill } : { afterPublish: kill } }) });
