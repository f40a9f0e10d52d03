import mongoose from 'mongoose';

// The write path reads and writes only by `_id`, in batches (apps/catalog/src/store). On the
// local FerretDB that is fast only with the patches scripts/stack applies; on MongoDB it is an
// index lookup anyway. Either way, what the engine reports for these filters must use the index.
describe('the engine serves `_id` filters from its index and takes batched updates', () => {
  let connection: mongoose.Connection;
  const uri = process.env.CALLBOARD_TEST_MONGODB_URI!;
  const collectionName = `patches_${process.pid}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    connection = await mongoose.createConnection(uri, { dbName: `t_engine_${process.pid}`, retryWrites: false }).asPromise();
    await connection.db!.collection(collectionName).insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: `doc-${i}` as unknown as mongoose.mongo.ObjectId, revision: 1, n: i })));
  });
  afterAll(async () => {
    await connection?.db?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  async function planOf(filter: Record<string, unknown>): Promise<string> {
    const explained = await connection.db!.collection(collectionName).find(filter).explain();
    return JSON.stringify(explained);
  }

  async function isFerretDb(): Promise<boolean> {
    const info = await connection.db!.admin().command({ buildInfo: 1 });
    return 'ferretdb' in info || JSON.stringify(info).toLowerCase().includes('ferretdb');
  }

  it.each([
    ['{_id}', { _id: 'doc-7' }],
    ['{_id, revision}', { _id: 'doc-7', revision: 1 }],
    ['{revision, _id}', { revision: 1, _id: 'doc-7' }],
  ])('explain for %s uses the _id index', async (_label, filter) => {
    const plan = await planOf(filter);
    if (await isFerretDb()) {
      // SQLite's EXPLAIN QUERY PLAN: SEARCH ... USING INDEX <table>__id_ instead of SCAN <table>.
      expect(plan).toMatch(/SEARCH [^"]* USING INDEX [^"]*__id_/);
      expect(plan).not.toMatch(/detail=SCAN/);
    } else {
      expect(plan).toMatch(/IDHACK|EXPRESS_IXSCAN|"indexName":"_id_"/);
    }
  });

  it('still filters by every field of the filter, not by _id alone', async () => {
    const collection = connection.db!.collection(collectionName);
    expect(await collection.findOne({ _id: 'doc-7' as unknown as mongoose.mongo.ObjectId, revision: 2 })).toBeNull();
    expect(await collection.findOne({ _id: 'doc-7' as unknown as mongoose.mongo.ObjectId, revision: 1 })).toMatchObject({ n: 7 });
    const missed = await collection.updateOne({ _id: 'doc-8' as unknown as mongoose.mongo.ObjectId, revision: 5 }, { $set: { n: -1 } });
    expect(missed.matchedCount).toBe(0);
    expect(await collection.findOne({ _id: 'doc-8' as unknown as mongoose.mongo.ObjectId })).toMatchObject({ n: 8 });
  });

  it('answers an update command of 250 statements (an unpatched FerretDB hangs from 100 on)', async () => {
    const collection = connection.db!.collection(collectionName);
    const result = await collection.bulkWrite(
      Array.from({ length: 250 }, (_, i) => ({ updateOne: { filter: { _id: `doc-${i}` as unknown as mongoose.mongo.ObjectId }, update: { $set: { bulk: true } } } })),
      { ordered: false },
    );
    expect(result.matchedCount).toBe(250);
    expect(await collection.countDocuments({ bulk: true })).toBe(250);
  }, 30000);
});
