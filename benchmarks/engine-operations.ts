/**
 * What the MongoDB-wire engine does at scale, operation by operation: the figures behind the
 * FerretDB patches (scripts/stack/README.md) and the catalog's write-path design.
 *
 *   npm run bench:engine [-- --documents 100000 --samples 300 --collection engine_ops --single-only]
 *
 * Fills a collection with documents of the `entities` shape (~2.7 KB, loaded once and kept),
 * then prints p50/p99 of single operations by `_id`, batched ones per document, a secondary
 * field query (a scan on FerretDB) and what `explain` says about `_id` filters. Runs against
 * MONGODB_URI when set, else the bench stack's FerretDB.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { startBenchStack } from './support/bench-stack';
import { flag, numberArgument, stringArgument } from './support/arguments';

type Doc = { _id: string; revision: number; pendingWork: boolean; kind: string; body: string; rows: string[]; note?: string };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function documentNumbered(i: number): Doc {
  return {
    _id: `component:default/engine-${i}`,
    revision: 1,
    pendingWork: i % 1000 === 0,
    kind: 'component',
    body: JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: `engine-${i}`, description: randomBytes(900).toString('base64') } }),
    rows: Array.from({ length: 6 }, (_, r) => `component:default/engine-${i}|ownedBy|group:default/team-${(i + r) % 300}`),
  };
}

class OperationTimeout extends Error {}

// An unpatched FerretDB hangs for good on an update command of 100+ statements: give up, say so.
const OPERATION_TIMEOUT_MS = 120_000;

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const started = process.hrtime.bigint();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work(), new Promise((_, reject) => (timer = setTimeout(() => reject(new OperationTimeout()), OPERATION_TIMEOUT_MS)))]);
  } finally {
    clearTimeout(timer);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const documents = numberArgument('documents', 100_000);
  const samples = numberArgument('samples', 300);
  const collectionName = stringArgument('collection', `engine_ops_${documents}`);
  const bench = process.env.MONGODB_URI ? null : await startBenchStack();
  const uri = process.env.MONGODB_URI ?? bench!.engines.mongodbUri;
  const connection = await mongoose.createConnection(uri, { dbName: 'bench_engine', retryWrites: false, maxPoolSize: 20 }).asPromise();
  const db = connection.db!;
  const collection = db.collection<Doc>(collectionName);
  const print = (label: string, values: number[], unit = 'ms') => {
    const sorted = [...values].sort((a, b) => a - b);
    console.log(`${label.padEnd(58)} p50 ${percentile(sorted, 50).toFixed(1).padStart(8)} ${unit}   p99 ${percentile(sorted, 99).toFixed(1).padStart(8)} ${unit}   (n=${values.length})`);
  };
  try {
    const present = await collection.estimatedDocumentCount();
    if (present < documents) {
      const started = Date.now();
      for (let i = present; i < documents; i += 1000) {
        await collection.insertMany(Array.from({ length: Math.min(1000, documents - i) }, (_, k) => documentNumbered(i + k)), { ordered: false });
      }
      console.log(`loaded ${documents - present} documents in ${((Date.now() - started) / 1000).toFixed(1)} s (${Math.round(((documents - present) * 1000) / (Date.now() - started))} docs/s, insertMany of 1,000)`);
    }
    console.log(`${uri} · ${collectionName}: ${documents} documents`);
    const pick = () => `component:default/engine-${Math.floor(Math.random() * documents)}`;

    const explainOf = async (filter: Record<string, unknown>) => {
      const plan = (await collection.find(filter).explain()) as { queryPlanner?: { Plan?: unknown }; filterPushdown?: boolean };
      return JSON.stringify(plan.queryPlanner ?? plan).slice(0, 160) + (plan.filterPushdown === undefined ? '' : ` filterPushdown=${plan.filterPushdown}`);
    };
    console.log(`explain {_id}:           ${await explainOf({ _id: pick() })}`);
    console.log(`explain {_id, revision}: ${await explainOf({ _id: pick(), revision: 1 })}`);

    const run = async (label: string, op: () => Promise<unknown>, n = samples) => {
      const times: number[] = [];
      for (let i = 0; i < n; i += 1) times.push(await timed(op));
      print(label, times);
    };
    await run('findOne({_id})', () => collection.findOne({ _id: pick() }));
    await run('updateOne({_id}, {$set})', () => collection.updateOne({ _id: pick() }, { $set: { note: randomBytes(8).toString('hex') } }));
    await run('updateOne({_id, revision}, {$set, $inc})', async () => {
      const id = pick();
      const doc = await collection.findOne({ _id: id }, { projection: { revision: 1 } });
      await collection.updateOne({ _id: id, revision: doc!.revision }, { $set: { note: 'x' }, $inc: { revision: 1 } });
    });
    await run('replaceOne({_id}, whole document)', () => {
      const id = pick();
      return collection.replaceOne({ _id: id }, { ...documentNumbered(Number(id.split('-').pop())), note: 'replaced' });
    });
    await run('$addToSet by _id', () => collection.updateOne({ _id: pick() }, { $addToSet: { rows: randomBytes(6).toString('hex') } }));

    // An unpatched engine scans for every statement: batches would take hours there.
    if (flag('single-only')) return;
    for (const size of [50, 200]) {
      const perDoc: number[] = [];
      try {
        for (let i = 0; i < Math.max(5, Math.floor(samples / 20)); i += 1) {
          const ops = Array.from({ length: size }, () => {
            const id = pick();
            return { replaceOne: { filter: { _id: id }, replacement: { ...documentNumbered(Number(id.split('-').pop())), note: 'bulk' }, upsert: true } };
          });
          perDoc.push((await timed(() => collection.bulkWrite(ops, { ordered: false }))) / size);
        }
        print(`bulkWrite of ${size} replaceOne by _id, per document`, perDoc);
      } catch (err) {
        if (!(err instanceof OperationTimeout)) throw err;
        console.log(`bulkWrite of ${size} replaceOne by _id: no answer within ${OPERATION_TIMEOUT_MS / 1000} s (the server hangs; later operations are not measured)`);
        return;
      }
    }
    const parallelReads: number[] = [];
    for (let i = 0; i < Math.max(5, Math.floor(samples / 20)); i += 1) {
      parallelReads.push((await timed(() => Promise.all(Array.from({ length: 64 }, () => collection.findOne({ _id: pick() }))))) / 64);
    }
    print('64 findOne({_id}) in parallel, per document', parallelReads);
    const inTimes: number[] = [];
    for (let i = 0; i < 3; i += 1) inTimes.push(await timed(() => collection.find({ _id: { $in: Array.from({ length: 50 }, pick) } }).toArray()));
    print('find({_id: {$in: [50 ids]}})', inTimes);
    print('find({pendingWork: true}) (secondary field)', [await timed(() => collection.find({ pendingWork: true }).toArray())]);
  } finally {
    await connection.close();
    await bench?.stop();
  }
}

main().catch((err) => {
  console.error(`engine bench failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
