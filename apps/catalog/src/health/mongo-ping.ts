import type { Connection } from 'mongoose';

/** Long enough for a loaded server to answer a ping, short enough for a health probe. */
export const MONGO_PING_TIMEOUT_MS = 2000;

/**
 * Whether MongoDB answers a ping now. Terminus' Mongoose indicator only reads the driver's
 * connection state, which stays "connected" for many seconds after the server stopped
 * answering; a ping asks the server. `timeoutMS` bounds the whole operation, server selection
 * included, so an unreachable server is reported within the timeout instead of after the
 * driver's selection timeout, and no probe is left waiting behind it.
 */
export async function mongoAnswersPing(connection: Connection, timeoutMs = MONGO_PING_TIMEOUT_MS): Promise<boolean> {
  const db = connection.db;
  if (!db) return false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs + 250);
  });
  try {
    const ping = db.command({ ping: 1 }, { timeoutMS: timeoutMs }).then((reply) => reply.ok === 1, () => false);
    return await Promise.race([ping, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
