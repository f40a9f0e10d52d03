import { createHash } from 'node:crypto';

/**
 * Git object hashing, byte-for-byte compatible with git itself: the same files give the
 * same blob and tree SHAs as `git hash-object` / `git write-tree`, and a commit SHA is
 * computed from a real commit object (tree, parents, author, committer, message).
 */

export const ZERO_SHA = '0000000000000000000000000000000000000000';
export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export const FILE_MODE = '100644';
export const TREE_MODE = '040000';

export interface GitIdentity {
  name: string;
  email: string;
}

export interface TreeEntry {
  name: string;
  type: 'blob' | 'tree';
  /** As the REST API shows it: `100644` for files, `040000` for folders. */
  mode: string;
  sha: string;
  /** Byte size, files only. */
  size?: number;
}

export interface TreeObject {
  sha: string;
  entries: TreeEntry[];
}

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1')
    .update(Buffer.from(`${type} ${body.length}\0`, 'utf8'))
    .update(body)
    .digest('hex');
}

/** Git blob SHA-1 of UTF-8 content: sha1("blob <byte length>\0" + content). */
export function blobSha(content: string): string {
  return hashObject('blob', Buffer.from(content, 'utf8'));
}

/** Git's tree entry order: byte-wise by name, folders compared as if named `name/`. */
function gitOrder(a: TreeEntry, b: TreeEntry): number {
  const ka = Buffer.from(a.type === 'tree' ? `${a.name}/` : a.name, 'utf8');
  const kb = Buffer.from(b.type === 'tree' ? `${b.name}/` : b.name, 'utf8');
  return Buffer.compare(ka, kb);
}

interface DirNode {
  dirs: Map<string, DirNode>;
  files: Map<string, string>; // name -> content
}

/**
 * Writes the trees (and blobs) for a full snapshot of files into the given stores and
 * returns the root tree SHA.
 */
export function writeTrees(
  files: ReadonlyMap<string, string>,
  trees: Map<string, TreeObject>,
  blobs: Map<string, string>,
): string {
  const root: DirNode = { dirs: new Map(), files: new Map() };
  for (const [path, content] of files) {
    const parts = path.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      let child = node.dirs.get(dir);
      if (!child) {
        child = { dirs: new Map(), files: new Map() };
        node.dirs.set(dir, child);
      }
      node = child;
    }
    node.files.set(parts[parts.length - 1], content);
  }
  const write = (node: DirNode): string => {
    const entries: TreeEntry[] = [];
    for (const [name, content] of node.files) {
      const sha = blobSha(content);
      blobs.set(sha, content);
      entries.push({ name, type: 'blob', mode: FILE_MODE, sha, size: Buffer.byteLength(content, 'utf8') });
    }
    for (const [name, child] of node.dirs) {
      entries.push({ name, type: 'tree', mode: TREE_MODE, sha: write(child) });
    }
    entries.sort(gitOrder);
    const body = Buffer.concat(
      entries.flatMap((e) => [
        Buffer.from(`${e.type === 'tree' ? '40000' : e.mode} ${e.name}\0`, 'utf8'),
        Buffer.from(e.sha, 'hex'),
      ]),
    );
    const sha = hashObject('tree', body);
    trees.set(sha, { sha, entries });
    return sha;
  };
  return write(root);
}

/** The SHA of a real git commit object with these fields. */
export function commitSha(input: {
  tree: string;
  parents: readonly string[];
  author: GitIdentity;
  committer: GitIdentity;
  date: Date;
  message: string;
}): string {
  const seconds = Math.floor(input.date.getTime() / 1000);
  const message = input.message.endsWith('\n') ? input.message : `${input.message}\n`;
  const body =
    `tree ${input.tree}\n` +
    input.parents.map((p) => `parent ${p}\n`).join('') +
    `author ${input.author.name} <${input.author.email}> ${seconds} +0000\n` +
    `committer ${input.committer.name} <${input.committer.email}> ${seconds} +0000\n` +
    `\n${message}`;
  return hashObject('commit', Buffer.from(body, 'utf8'));
}

/** Base64 wrapped at 60 characters per line, each line ending in `\n`, as GitHub serves it. */
export function githubBase64(content: string): string {
  const b64 = Buffer.from(content, 'utf8').toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 60) out += `${b64.slice(i, i + 60)}\n`;
  return out;
}
