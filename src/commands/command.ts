/** A subcommand of bin/ecs-scheduler. `run` returns the exit code (0 ok, 1 failure, 2 usage error). */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}
