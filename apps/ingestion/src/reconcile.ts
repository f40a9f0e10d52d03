import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { ConfigValidationError } from '@callboard/config';
import { createServiceApp } from '@callboard/observability';
import { ingestionService } from './ingestion.service';
import { ReconcileOutcome, ReconcileUseCase } from './reconcile/reconcile.use-case';

const USAGE = 'usage: npm run reconcile -- [--installation <id> | --org <login>]';

function scopeOf(argv: string[]): { installation?: number; org?: string } {
  const [flag, value, ...rest] = argv;
  if (flag === undefined) return {};
  if (rest.length > 0 || value === undefined) throw new ConfigValidationError(USAGE);
  if (flag === '--installation' && /^\d+$/.test(value)) return { installation: Number(value) };
  if (flag === '--org' && /^[A-Za-z0-9-]+$/.test(value)) return { org: value };
  throw new ConfigValidationError(USAGE);
}

/**
 * `npm run reconcile -- [--installation <id> | --org <login>]`: brings the catalog to what
 * GitHub says for one installation, one organisation, or (no argument) everything. Runs
 * beside the service with the same environment; exits 1 when a repository could not be read.
 */
export async function reconcile(argv: string[]): Promise<ReconcileOutcome> {
  const scope = scopeOf(argv);
  // The command is one run, not a schedule, and consumes nothing.
  const { app } = await createServiceApp({ ...ingestionService, consumers: undefined }, { configOverrides: { RECONCILE_INTERVAL_MINUTES: '0', INGESTION_REPAIR_INTERVAL_MS: '0' } });
  try {
    const use = app.get(ReconcileUseCase);
    const deliveryId = `reconcile:${randomUUID()}`;
    if (scope.installation !== undefined) return await use.installation(scope.installation, deliveryId);
    if (scope.org !== undefined) return await use.owner(scope.org, deliveryId);
    return await use.everything(deliveryId);
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  reconcile(process.argv.slice(2))
    .then((outcome) => {
      process.stdout.write(
        `reconcile done: ${outcome.repositories} repositories read, ${outcome.removedRepositories} gone, ${outcome.organisations} organisations' people read, ${outcome.upserts} upserts, ${outcome.removals} removals, ${outcome.failures.length} failures\n`,
      );
      for (const failure of outcome.failures) process.stderr.write(`  ${failure.repository}: ${failure.error}\n`);
      process.exit(outcome.failures.length > 0 ? 1 : 0);
    })
    .catch((err: Error) => {
      process.stderr.write(`reconcile: ${err instanceof ConfigValidationError ? err.message : (err.stack ?? err.message)}\n`);
      process.exit(1);
    });
}
