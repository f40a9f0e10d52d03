import mongoose from 'mongoose';
import { generateCatalog } from '../../tools/synthetic-catalog/src';
import { DatasetTarget, datasetTarget, ensureDataset, findLoadedDataset, LoadContext, pipelineLoader } from '../../benchmarks/support/dataset';
import { directLoader } from '../../benchmarks/support/direct-loader';

type Doc = Record<string, unknown> & { _id: string };

// The benchmark's bulk loader builds the catalog's documents itself. This holds it to the
// real thing: the same synthetic catalog through the catalog service and through the bulk
// loader must give the same documents, up to what is random or counted (uid, etag,
// revision, timestamps).
describe('synthetic catalog loaders', () => {
  const catalog = generateCatalog({ entities: 60, seed: 'loader-spec' });
  const engines = { kafkaBrokers: process.env.CALLBOARD_TEST_KAFKA_BROKERS!, mongodbUri: process.env.CALLBOARD_TEST_MONGODB_URI! };
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const targetFor = (label: string): DatasetTarget => {
    const base = datasetTarget(catalog, engines, 2);
    const database = `t_${label}_${run}`;
    const topicPrefix = `t.${label}.${run}.`;
    return { ...base, key: `${label}_${run}`, database, topicPrefix, serviceEnv: { ...base.serviceEnv, MONGODB_DATABASE: database, KAFKA_TOPIC_PREFIX: topicPrefix } };
  };
  const contextFor = (target: DatasetTarget): LoadContext => ({ catalog, engines, target, log: () => undefined });

  async function documents(database: string, collection: string): Promise<Doc[]> {
    const connection = await mongoose.createConnection(engines.mongodbUri, { dbName: database }).asPromise();
    try {
      return (await connection.db!.collection<Doc>(collection).find({}).toArray()).sort((a, b) => (a._id < b._id ? -1 : 1));
    } finally {
      await connection.close();
    }
  }

  const comparable = (doc: Doc) => {
    const { uid, etag, revision, createdAt, updatedAt, entityJson, ...rest } = doc;
    const entity = JSON.parse(entityJson as string) as { metadata: Record<string, unknown> };
    delete entity.metadata.uid;
    delete entity.metadata.etag;
    void [uid, etag, revision, createdAt, updatedAt];
    return { ...rest, entity };
  };

  it('the bulk loader writes what the catalog service projects, and a second load is skipped', async () => {
    const pipeline = targetFor('pipe');
    const direct = targetFor('direct');
    const first = await ensureDataset(contextFor(pipeline), pipelineLoader({ progressEveryMs: 1000 }), 'pipeline');
    expect(first.loadedNow).toBe(true);
    expect(first.marker.report.entities).toBe(60);
    await ensureDataset(contextFor(direct), directLoader(), 'direct');

    const projected = await documents(pipeline.database, 'entities');
    const bulk = await documents(direct.database, 'entities');
    expect(projected).toHaveLength(60);
    expect(bulk.map(comparable)).toEqual(projected.map(comparable));
    const sortRows = (docs: Doc[]) => docs.map((d) => ({ ...d, rows: [...(d.rows as string[])].sort() }));
    expect(sortRows(await documents(direct.database, 'relation_sources'))).toEqual(sortRows(await documents(pipeline.database, 'relation_sources')));

    // Cached: the marker says it is loaded; nothing is loaded again.
    expect(await findLoadedDataset(engines, direct)).toMatchObject({ entities: 60, method: 'direct' });
    const again = await ensureDataset(contextFor(direct), () => Promise.reject(new Error('must not load again')), 'direct');
    expect(again.loadedNow).toBe(false);
  });
});
