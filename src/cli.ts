/** Entry point of bin/ecs-scheduler: dispatches a subcommand and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`ecs-scheduler: unknown command ${argv.join(' ')}\n`);
  return 2;
}
