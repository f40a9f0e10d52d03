import { loadStack } from './global-setup';

/** Stops the engines only if this run started them, leaving a stack someone else runs alone. */
export default async function globalTeardown(): Promise<void> {
  if ((globalThis as { __callboardStackStarted?: boolean }).__callboardStackStarted) {
    await loadStack().down({ profile: 'test' });
  }
}
