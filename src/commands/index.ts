import type { Command } from './command.js';
import { controllerCommand } from './controller.js';
import { crdCommand } from './crd.js';
import { scheduleCommand } from './schedule.js';
import { shimCommand } from './shim.js';

/** Every subcommand of bin/ecs-scheduler, by name. */
export const commands: Record<string, Command> = {
  controller: controllerCommand,
  crd: crdCommand,
  schedule: scheduleCommand,
  shim: shimCommand,
};
