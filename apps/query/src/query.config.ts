import { z } from 'zod';
import { mongoEnv, port, serviceEnv } from '@callboard/config';

export const queryConfigSchema = z.object({
  ...serviceEnv,
  ...mongoEnv,
  // Backstage's backend listens on 7007; portals configured for it need only the host changed.
  PORT: port(7007),
});

export type QueryConfig = z.infer<typeof queryConfigSchema>;
