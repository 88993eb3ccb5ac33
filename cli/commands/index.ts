/** @module Every command, in the order the help lists them. */
import { endpointCommands } from './endpoints.ts';
import { eventCommands } from './events.ts';
import { maintenanceCommands } from './maintenance.ts';
import { scalingCommands } from './scaling.ts';
import { statusCommands } from './status.ts';
import { subscriptionCommands } from './subscriptions.ts';
import type { Command } from './types.ts';

export const COMMANDS: readonly Command[] = [
  ...statusCommands,
  ...scalingCommands,
  ...maintenanceCommands,
  ...subscriptionCommands,
  ...endpointCommands,
  ...eventCommands,
];
