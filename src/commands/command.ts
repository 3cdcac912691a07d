import winston from 'winston';

/** A subcommand of bin/ecs-scheduler. `run` returns the exit code (0 ok, 1 failure, 2 usage error). */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

/** Whether an environment variable says yes (1, true, yes, on), for boolean settings. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/** What a command makes of its flags and environment: settings, a request for help, or a usage error. */
export type SettingsResult<S> = S | 'help' | { error: string };

/**
 * A command that reads its settings from flags over environment, then serves: `--help` prints the usage
 * (exit 0), a usage error prints it with the error (exit 2), a failure to start prints its message (1).
 */
export function settingsCommand<S extends object>(options: {
  name: string;
  summary: string;
  usage: string;
  settings(argv: string[], env: NodeJS.ProcessEnv): SettingsResult<S>;
  run(settings: S): Promise<number>;
}): Command {
  return {
    summary: options.summary,
    async run(argv) {
      const settings = options.settings(argv, process.env);
      if (settings === 'help') {
        process.stdout.write(options.usage);
        return 0;
      }
      if ('error' in settings) {
        process.stderr.write(`ecs-scheduler ${options.name}: ${settings.error}\n\n${options.usage}`);
        return 2;
      }
      try {
        return await options.run(settings);
      } catch (error) {
        process.stderr.write(`ecs-scheduler ${options.name}: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
    },
  };
}

/** The JSON-lines logger of a long-running command, on stderr, so stdout stays free for output. */
export function processLogger(level: string, component: string): winston.Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    defaultMeta: { component },
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}
