import type { Command } from './command.js';

/** Every subcommand of bin/ecs-scheduler, by name. */
export const commands: Record<string, Command> = {};
