#!/usr/bin/env node
'use strict';
// node scripts/stack/cli.js up|down|status|provision [--profile dev|test]
// Exit codes: 0 ok, 1 error (one line on stderr), 2 usage, 3 `status` with an engine not ready.

const stack = require('./index');
const U = require('./util');

const USAGE = 'usage: node scripts/stack/cli.js up|down|status|provision [--profile dev|test]';

function parseArgs(argv) {
  let command = null;
  let profile = 'dev';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--profile' || a === '-p') {
      profile = argv[++i];
      if (!profile) throw new U.StackError(`--profile needs a value; ${USAGE}`);
    } else if (a.startsWith('--profile=')) {
      profile = a.slice('--profile='.length);
    } else if (a === '-h' || a === '--help' || a === 'help') {
      command = 'help';
    } else if (!a.startsWith('-') && !command) {
      command = a;
    } else {
      throw new U.StackError(`unexpected argument "${a}"; ${USAGE}`);
    }
  }
  return { command, profile };
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

const LABEL = { kafka: 'kafka', mongodb: 'mongodb' };
const PRODUCT = {
  kafka: `Kafka ${stack.versions.KAFKA_VERSION}`,
  mongodb: `FerretDB ${stack.versions.FERRETDB_VERSION}`,
};

async function main() {
  const { command, profile } = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  switch (command) {
    case 'up': {
      const r = await stack.up({ profile });
      const rows = ['kafka', 'mongodb'].map((k) => [
        LABEL[k],
        k === 'kafka' ? r.kafkaBrokers : r.mongodbUri,
        r.external[k] ? 'external (reachable)' : r.started[k] ? `started (${U.secs(r.readyMs[k])})` : 'already running',
        r.external[k] ? '' : PRODUCT[k],
      ]);
      console.log(table(rows));
      console.log(`stack up (profile ${profile}) in ${U.secs(Date.now() - t0)}`);
      return 0;
    }
    case 'down': {
      const r = await stack.down({ profile });
      for (const k of ['kafka', 'mongodb']) {
        const s = r[k];
        console.log(
          `${LABEL[k].padEnd(8)} ${s.stopped ? `stopped pid ${s.pid}${s.killed ? ' (SIGKILL after timeout)' : ''} in ${U.secs(s.ms)}` : 'not running'}`,
        );
      }
      console.log(`stack down (profile ${profile}) in ${U.secs(Date.now() - t0)}`);
      return 0;
    }
    case 'status': {
      const r = await stack.status({ profile });
      const yn = (v) => (v === null ? '-' : v ? 'yes' : 'no');
      const rows = [['engine', 'address', 'running', 'ready', 'pid', 'what']];
      for (const k of ['kafka', 'mongodb']) {
        const s = r[k];
        rows.push([LABEL[k], s.address, s.external ? 'external' : yn(s.running), yn(s.ready), s.pid || '-', s.external ? '' : PRODUCT[k]]);
      }
      console.log(`profile ${profile}`);
      console.log(table(rows));
      return r.kafka.ready && r.mongodb.ready ? 0 : 3;
    }
    case 'provision': {
      const r = await stack.provision();
      for (const k of ['kafka', 'mongodb']) {
        const s = r[k];
        const what = s.skipped
          ? `skipped (${s.skipped})`
          : s.cached
            ? `${s.product}: already in cache ${U.rel(s.dir)}`
            : `${s.product}: provisioned in ${U.secs(s.ms)} into ${U.rel(s.dir)}`;
        console.log(`${LABEL[k].padEnd(8)} ${what}`);
      }
      console.log(`stack provision in ${U.secs(Date.now() - t0)}`);
      return 0;
    }
    case 'help':
      console.log(USAGE);
      return 0;
    default:
      console.error(command ? `stack: unknown command "${command}"; ${USAGE}` : USAGE);
      return 2;
  }
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    U.killActiveChildren();
    console.error(`stack: interrupted (${sig}); partial downloads are discarded, run the command again`);
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    const line = err && err.message ? err.message.replace(/\s*\n\s*/g, ' ') : String(err);
    console.error(`stack: ${line}`);
    if (process.env.CALLBOARD_STACK_DEBUG && err && err.stack) console.error(err.stack);
    process.exit(1);
  },
);
