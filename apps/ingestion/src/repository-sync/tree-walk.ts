/** One entry of a git tree as GitHub's trees API returns it. */
export interface TreeEntry {
  path: string;
  type: string;
  sha: string;
}

export interface TreeListing {
  entries: TreeEntry[];
  /** GitHub stops listing a recursive tree past its limit (100,000 entries or 7 MB) and says so. */
  truncated: boolean;
}

/** Reads a tree (by SHA, or a commit SHA for the root), recursively or one level. */
export type TreeReader = (sha: string, recursive: boolean) => Promise<TreeListing>;

/**
 * Every file path of a commit's tree. A recursive listing is used as is unless GitHub
 * truncated it; then the tree is read one level at a time and each subtree recursively,
 * descending further wherever a subtree's listing is truncated too (GitHub's documented
 * way around the limit).
 */
export async function listFiles(read: TreeReader, rootSha: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (sha: string, prefix: string): Promise<void> => {
    const recursive = await read(sha, true);
    if (!recursive.truncated) {
      for (const entry of recursive.entries) if (entry.type === 'blob') files.push(prefix + entry.path);
      return;
    }
    const level = await read(sha, false);
    for (const entry of level.entries) {
      if (entry.type === 'blob') files.push(prefix + entry.path);
      else if (entry.type === 'tree') await walk(entry.sha, `${prefix}${entry.path}/`);
    }
  };
  await walk(rootSha, '');
  return files.sort();
}
