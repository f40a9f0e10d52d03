import { DatasetLoader, pipelineLoader } from './dataset';

/**
 * The ways a synthetic catalog gets into Callboard (`--load <name>`); each one ends with every
 * entity projected and the catalog's consumer group past every event.
 * - pipeline: entity events on Kafka, projected by the catalog service (the real path).
 */
export const LOADERS: Record<string, () => DatasetLoader> = {
  pipeline: () => pipelineLoader(),
};

export function loaderNamed(name: string): DatasetLoader {
  const make = LOADERS[name];
  if (!make) throw new Error(`unknown --load "${name}" (use one of: ${Object.keys(LOADERS).join(', ')})`);
  return make();
}
