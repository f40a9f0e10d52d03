'use strict';
// Source patches applied to FerretDB's module copy before it is built. Each replaces one exact
// text; a build whose source does not contain it fails instead of silently building unpatched.
// Why, and the measured before/after: README.md beside this file ("FerretDB patches").

const fs = require('node:fs');
const path = require('node:path');

const PATCHES = [
  {
    id: 'sqlite-id-column-matches-index',
    file: 'internal/backends/sqlite/metadata/metadata.go',
    // The unique `_id` index is created on `_ferretdb_sjson->"_id"` (registry.go); SQLite uses an
    // expression index only for the same expression, so `->'$._id'` made every `_id` lookup scan.
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: 'IDColumn = DefaultColumn + `->"_id"`',
    count: 1,
  },
  {
    id: 'sqlite-push-down-id-with-other-fields',
    file: 'internal/backends/sqlite/collection.go',
    // `Query` and `Explain` pushed `_id` down only when it was the filter's only field, so
    // `{_id, revision}` scanned. Every handler filters the rows again in Go with the whole filter,
    // so narrowing by `_id` alone returns a superset and stays correct.
    find: 'if params.Filter.Len() == 1 {',
    replace: 'if params.Filter.Len() >= 1 {',
    count: 2,
  },
  {
    id: 'update-releases-each-statement',
    file: 'internal/handler/msg_update.go',
    // `updateDocument` defers closing each statement's query iterator to the end of the whole
    // command, so an update command of 100 or more statements (a bulkWrite) held every one of the
    // SQLite pool's 100 connections and hung the server for good. Closing after each statement
    // (Close is idempotent; the deferred call stays) frees the connection at once.
    find: 'result, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n',
    replace: 'result, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n\t\tcloser.Close()\n',
    count: 1,
  },
];

/** Bumped with any change to PATCHES: part of the cache folder's name, so builds never mix. */
const PATCH_LEVEL = 'callboard.2';

function occurrences(text, needle) {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n += 1;
  return n;
}

/** Applies every patch to the source tree at `root`; throws naming the patch that no longer fits. */
function applyPatches(root) {
  for (const patch of PATCHES) {
    const file = path.join(root, patch.file);
    const text = fs.readFileSync(file, 'utf8');
    const found = occurrences(text, patch.find);
    if (found !== patch.count) {
      throw new Error(`FerretDB patch ${patch.id}: expected ${patch.count} occurrence(s) of ${JSON.stringify(patch.find)} in ${patch.file}, found ${found}`);
    }
    fs.writeFileSync(file, text.split(patch.find).join(patch.replace));
  }
  return PATCHES.map((p) => p.id);
}

module.exports = { PATCHES, PATCH_LEVEL, applyPatches };
