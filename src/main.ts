// Process entry point (bin/ecs-scheduler runs the compiled copy). Exits when the command returns, even
// if a client library still holds a socket open: a stopped controller must not linger.
import { main } from './cli.js';

process.exit(await main(process.argv.slice(2)));
