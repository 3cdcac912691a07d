import type { Command } from './command.js';
import { crdCommand } from './crd.js';

/** Every subcommand of bin/ecs-scheduler, by name. */
export const commands: Record<string, Command> = {
  crd: crdCommand,
  schedule: (await import('./schedule.js')).scheduleCommand,
  shim: (await import('./shim.js')).shimCommand,
};
