'use strict';
// The walls' rules (.dependency-cruiser.js) against a small tree that breaks each of them once,
// and against one that keeps to them: the check must name every broken wall and pass a clean tree.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const depcruise = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const config = path.join(root, '.dependency-cruiser.js');

const TSCONFIG = {
  compilerOptions: {
    module: 'commonjs',
    moduleResolution: 'node',
    baseUrl: './',
    paths: {
      '@callboard/contracts': ['libs/contracts/src'],
      '@callboard/entity-model': ['libs/entity-model/src'],
      '@callboard/kafka': ['libs/kafka/src'],
    },
  },
};

// What the real tree does and may keep doing.
const CLEAN = {
  'libs/entity-model/src/index.ts': "import { TOPIC } from '@callboard/contracts';\nexport const ref = (s: string) => `${TOPIC}:${s}`;\n",
  'libs/contracts/src/index.ts': "import { z } from 'zod';\nexport const TOPIC = 'callboard.entity-events.v1';\nexport const Schema = z.object({});\n",
  'libs/kafka/src/index.ts': "import { Kafka } from 'kafkajs';\nimport { TOPIC } from '@callboard/contracts';\nexport const k = [Kafka, TOPIC];\n",
  'apps/catalog/src/main.ts': "import { k } from '@callboard/kafka';\nimport { ref } from '@callboard/entity-model';\nimport { handler } from './handler';\nexport const main = [k, ref, handler];\n",
  'apps/catalog/src/handler.ts': "import * as http from 'node:http';\nexport const handler = http.STATUS_CODES;\n",
  'apps/query/src/main.ts': "import { ref } from '@callboard/entity-model';\nexport const main = ref;\n",
  // Test code may import what it needs, another app included.
  'apps/catalog/test/catalog.int-spec.ts': "import { main } from '../../query/src/main';\nimport '../../../test/support/setup';\nexport const t = main;\n",
  'apps/catalog/src/handler.spec.ts': "import '../../../test/support/setup';\n",
  'test/support/setup.ts': "import { main } from '../../apps/catalog/src/main';\nexport const s = main;\n",
};

// Each entry breaks one wall; the value is the rule that must report it.
const BROKEN = {
  'apps/catalog/src/uses-query.ts': ["import { main } from '../../query/src/main';\nexport const x = main;\n", 'no-app-imports-another-app'],
  'libs/kafka/src/uses-app.ts': ["import { main } from '../../../apps/query/src/main';\nexport const x = main;\n", 'libs-import-no-app'],
  'libs/entity-model/src/uses-kafkajs.ts': ["import { Kafka } from 'kafkajs';\nexport const x = Kafka;\n", 'pure-libs-import-no-infrastructure'],
  'libs/contracts/src/uses-http.ts': ["import * as https from 'node:https';\nexport const x = https;\n", 'pure-libs-import-no-infrastructure'],
  // Through an alias and another lib: still Kafka code in a pure lib.
  'libs/contracts/src/uses-kafka-lib.ts': ["import { k } from '@callboard/kafka';\nexport const x = k;\n", 'pure-libs-import-no-infrastructure'],
  'apps/query/src/uses-test.ts': ["import { s } from '../../../test/support/setup';\nexport const x = s;\n", 'production-code-imports-no-test-code'],
  'libs/kafka/src/uses-bench.ts': ["import '../../../benchmarks/load';\n", 'production-code-imports-no-test-code'],
  'benchmarks/load.ts': ['export const load = 1;\n', null],
  'apps/query/src/cycle-a.ts': ["import { b } from './cycle-b';\nexport const a = () => b;\n", 'no-circular'],
  // A cycle is reported once, from its first module.
  'apps/query/src/cycle-b.ts': ["import { a } from './cycle-a';\nexport const b = () => a;\n", null],
};

function makeTree(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callboard-walls-'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function cruise(dir) {
  const run = (outputType) =>
    spawnSync(process.execPath, [depcruise, 'apps', 'libs', '--config', config, '--output-type', outputType], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  // The JSON reporter always exits 0; the exit status is the readable reporter's, as `npm run walls` runs it.
  const json = run('json');
  if (!json.stdout) throw new Error(`depcruise printed nothing (exit ${json.status}): ${json.stderr}`);
  const violations = JSON.parse(json.stdout).summary.violations.map((v) => ({ rule: v.rule.name, from: v.from }));
  return { status: run('err-long').status, violations };
}

describe('the walls (.dependency-cruiser.js)', () => {
  const dirs = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('passes a tree that keeps to them (aliases resolved, test code free to import)', () => {
    const dir = makeTree(CLEAN);
    dirs.push(dir);
    expect(cruise(dir)).toEqual({ status: 0, violations: [] });
  });

  it('reports every broken wall by its rule and fails', () => {
    const files = { ...CLEAN, ...Object.fromEntries(Object.entries(BROKEN).map(([f, [text]]) => [f, text])) };
    const dir = makeTree(files);
    dirs.push(dir);
    const { status, violations } = cruise(dir);
    expect(status).not.toBe(0);
    const reported = new Set(violations.map((v) => `${v.rule} ${v.from}`));
    for (const [file, [, rule]] of Object.entries(BROKEN)) {
      if (rule) expect(reported).toContain(`${rule} ${file}`);
    }
    // Nothing in the clean part is reported.
    for (const v of violations) expect(Object.keys(BROKEN)).toContain(v.from);
  });

  it('reads in the project as it is', () => {
    // The same command `npm run walls` runs; kept here so the rules and the tree cannot drift apart unnoticed.
    expect(() => execFileSync(process.execPath, [depcruise, 'apps', 'libs', '--config', config], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });
});
