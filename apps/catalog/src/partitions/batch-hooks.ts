/**
 * Points in a batch's life where a crash leaves different work unfinished: after its writes and
 * before its publication, after its publication and before its offsets are committed. Nothing
 * happens there in production; crash tests provide hooks that kill the process
 * (test/support/catalog-failpoint.main.ts).
 */
export interface BatchHooks {
  afterWrite?(): void | Promise<void>;
  afterPublish?(): void | Promise<void>;
}

export const BATCH_HOOKS = Symbol('BATCH_HOOKS');
