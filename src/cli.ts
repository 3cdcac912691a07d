import { commands } from './commands/index.js';

const usage = `usage: ecs-scheduler <command> [options]

commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(12)} ${command.summary}`)
  .join('\n')}
`;

/** Entry point of bin/ecs-scheduler: runs one subcommand and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`ecs-scheduler: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  return command.run(rest);
}
