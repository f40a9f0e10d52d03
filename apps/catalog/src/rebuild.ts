import 'reflect-metadata';
import { ConfigValidationError } from '@callboard/config';
import { rebuildProjection, RebuildRefusedError } from './rebuild/rebuild-projection';

// `npm run catalog:rebuild [-- --force]`: rebuild the projection from the entity-event log, with the service's environment.
rebuildProjection({ force: process.argv.includes('--force') })
  .then((result) => {
    process.stdout.write(`rebuild done: ${result.entities} entities, ${result.offsetsReplayed} offsets replayed, ${result.durationMs} ms\n`);
    process.exit(0);
  })
  .catch((err: Error) => {
    const known = err instanceof RebuildRefusedError || err instanceof ConfigValidationError;
    process.stderr.write(`catalog rebuild: ${known ? err.message : (err.stack ?? err.message)}\n`);
    process.exit(1);
  });
