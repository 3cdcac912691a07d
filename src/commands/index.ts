import type { Command } from './command.js';
import { controllerCommand } from './controller.js';
import { crdCommand } from './crd.js';
import { runCommand } from './run.js';
import { scheduleCommand } from './schedule.js';
import { shimCommand } from './shim.js';

/** Every subcommand of bin/ecs-scheduler, by name. */
export const commands: Record<string, Command> = {
  controller: controllerCommand,
  crd: crdCommand,
  run: runCommand,
  schedule: scheduleCommand,
  shim: shimCommand,
};
