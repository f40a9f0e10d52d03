import { DatasetLoader, pipelineLoader } from './dataset';
import { directLoader } from './direct-loader';

/**
 * The ways a synthetic catalog gets into Callboard (`--load <name>`); each one ends with every
 * entity projected and the catalog's consumer group past every event.
 * - pipeline: entity events on Kafka, projected by the catalog service (the real path).
 * - direct: the same events, projected in memory with the catalog's own functions and
 *   bulk-written (benchmarks only; see direct-loader.ts for why and what it leaves out).
 */
export const LOADERS: Record<string, () => DatasetLoader> = {
  pipeline: () => pipelineLoader(),
  direct: () => directLoader(),
};

export function loaderNamed(name: string): DatasetLoader {
  const make = LOADERS[name];
  if (!make) throw new Error(`unknown --load "${name}" (use one of: ${Object.keys(LOADERS).join(', ')})`);
  return make();
}
