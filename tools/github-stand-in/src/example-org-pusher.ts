import { relative } from 'node:path';
import { ExampleOrgWatcher, type ExampleOrgChange } from './example-org-watcher';
import type { CommitResult, GitHubStandIn } from './github-stand-in';
import { sendWebhook } from './webhook-sender';

export interface PushExampleOrgChangesOptions {
  /** The example organisation's folder, as `loadExampleOrg` read it. */
  dir: string;
  /** What `loadExampleOrg` returned. */
  pushes: ReadonlyArray<{ fullName: string; push: CommitResult }>;
  /** Where Callboard's ingestion takes webhooks, and the secret it verifies them with. */
  webhookUrl: string;
  secret: string;
  log: (line: string) => void;
  debounceMs?: number;
}

function describe(change: ExampleOrgChange): string {
  switch (change.kind) {
    case 'created':
      return `new repository ${change.fullName}, committed ${change.commit.after.slice(0, 7)} (${change.files.length} file${change.files.length === 1 ? '' : 's'})`;
    case 'pushed': {
      const parts = [
        change.added.length ? `added ${change.added.join(', ')}` : '',
        change.modified.length ? `modified ${change.modified.join(', ')}` : '',
        change.removed.length ? `removed ${change.removed.join(', ')}` : '',
      ].filter(Boolean);
      return `committed ${change.commit.after.slice(0, 7)} to ${change.fullName} (${parts.join('; ')})`;
    }
    case 'deleted':
      return `folder gone: repository ${change.fullName} deleted`;
  }
}

/**
 * While it runs, every file saved in the example organisation's folder becomes a commit in the
 * stand-in and the signed webhook GitHub would send for it (a push; `repository.deleted` for a
 * folder removed), delivered to Callboard, so a newcomer sees the change in the catalog a moment
 * later. Resolves to the watcher once it watches (`close()` stops it).
 */
export function pushExampleOrgChanges(standIn: GitHubStandIn, options: PushExampleOrgChangesOptions): Promise<ExampleOrgWatcher> {
  const shown = (folder: string | undefined) => relative(process.cwd(), folder === undefined ? options.dir : `${options.dir}/${folder}`) || '.';
  return new ExampleOrgWatcher(standIn, {
    dir: options.dir,
    pushes: options.pushes,
    debounceMs: options.debounceMs,
    onChange: async (change) => {
      const what = `${shown(change.folder)}: ${describe(change)}`;
      if (!change.delivery) {
        options.log(`${what}; no webhook (its last push is unknown)`);
        return;
      }
      const { event, payload } = change.delivery;
      const name = event === 'repository' ? 'repository.deleted' : 'push';
      try {
        const result = await sendWebhook({ url: options.webhookUrl, secret: options.secret, event, payload });
        options.log(`${what}; ${name} delivery=${result.deliveryId} status=${result.status}${result.status >= 300 ? ` ${result.body.slice(0, 200)}` : ''}`);
      } catch (error) {
        options.log(`${what}; ${name} delivery failed: ${(error as Error).message}`);
      }
    },
    onError: (error, folder) => options.log(`${shown(folder)}: not pushed: ${error.message}`),
  }).start();
}
