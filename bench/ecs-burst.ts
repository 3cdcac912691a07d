// The cost of a burst of armed firings on the controller's side: N RunTask calls, signed and held behind
// one gate as armed firings are (src/aws/ecs-json-client.ts), released at once against the local ECS
// stand-in in its own process (bench/local-ecs-server.ts). Prints, per round after a warm-up, the time
// until every call was answered and the client's CPU for the round, and for arming it (building, signing
// and connecting the calls before the release). It isolates what the 3,000-job run of
// bench/fire-e2e.ts does each second (300 RunTasks in one instant); no apiserver takes part.
// It also splits a burst's spread in two: when the client had written its last request (node's
// ClientRequest.prototype.end is wrapped, in this bench process only, to stamp each write), and when the
// stand-in had read its last (its arrival stamps, on the same wall clock).
//
//   npx tsx bench/ecs-burst.ts [--calls 300] [--rounds 24] [--warmup 12]
import { ClientRequest } from 'node:http';
import { parseArgs } from 'node:util';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EcsJsonClient } from '../src/aws/ecs-json-client.js';
import { EcsRateLimiter } from '../src/aws/ecs-rate-limiter.js';
import { startLocalEcsChild } from './local-ecs-child.js';
import { preciseClockOffset, preciseNow } from './local-ecs-server.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '300' }, rounds: { type: 'string', default: '24' }, warmup: { type: 'string', default: '12' } },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const unlimited = { capacity: 1e9, refillPerSecond: 1e9 };

const ecs = await startLocalEcsChild(300);
const client = new EcsJsonClient(
  new ECSClient({ region: 'us-east-1', endpoint: ecs.url, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 }),
  { limiter: new EcsRateLimiter({ limits: { modify: unlimited, read: unlimited } }) },
);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Every request's write, stamped (preciseNow, this process's clock).
const writes: number[] = [];
const end = ClientRequest.prototype.end;
ClientRequest.prototype.end = function (this: ClientRequest, ...args: unknown[]) {
  writes.push(preciseNow());
  return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
} as typeof end;
const ourOffset = preciseClockOffset();
try {
  console.log(`${calls} RunTask calls held behind one gate, released at once, ${rounds - warmup} rounds after ${warmup} of warm-up; node ${process.version}`);
  const answered: number[] = [];
  const cpu: number[] = [];
  const armCpu: number[] = [];
  const releasedAt: number[] = [];
  const lastWritten: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let open!: () => void;
    const release = new Promise<void>((resolve) => (open = resolve));
    const armedFrom = process.cpuUsage();
    const held = Array.from({ length: calls }, (_, i) =>
      client
        .call('RunTask', { cluster: 'default', taskDefinition: 'sleeper-task', count: 1, startedBy: `job-${i}`, clientToken: `burst-${round}-${i}` }, { release })
        .then(() => performance.now()),
    );
    await pause(300); // every call signed and waiting, as armed firings are before their instant
    const cpuBefore = process.cpuUsage();
    const arming = process.cpuUsage(armedFrom);
    writes.length = 0;
    const start = performance.now();
    const startWall = preciseNow() - ourOffset;
    open();
    const last = Math.max(...(await Promise.all(held)));
    const used = process.cpuUsage(cpuBefore);
    if (round < warmup) continue;
    releasedAt.push(startWall);
    lastWritten.push(Math.max(...writes) - ourOffset - startWall);
    answered.push(last - start);
    cpu.push((used.user + used.system) / 1000);
    armCpu.push((arming.user + arming.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  console.log(`all answered after (ms): ${answered.map((x) => x.toFixed(0)).join(' ')}; median ${median(answered).toFixed(0)}`);
  console.log(`client CPU arming a round (ms; building, signing, connecting): ${armCpu.map((x) => x.toFixed(0)).join(' ')}; median ${median(armCpu).toFixed(0)}, ${(median(armCpu) / calls).toFixed(3)} ms per call`);
  console.log(`client CPU per round (ms): ${cpu.map((x) => x.toFixed(0)).join(' ')}; median ${median(cpu).toFixed(0)}, ${(median(cpu) / calls).toFixed(3)} ms per call`);
  const report = await ecs.report();
  // A round's arrivals: those after its release and before the next round's.
  const lastRead = releasedAt.map((at, i) => {
    const until = releasedAt[i + 1] ?? at + 1_000;
    const reads = report.arrivals.map((a) => a.arrivedAt - report.clockOffsetMs).filter((t) => t >= at && t < until);
    return Math.max(...reads) - at;
  });
  console.log(`the client had written every call after (ms): ${lastWritten.map((x) => x.toFixed(1)).join(' ')}; median ${median(lastWritten).toFixed(1)}`);
  console.log(`the stand-in had read every call after (ms): ${lastRead.map((x) => x.toFixed(1)).join(' ')}; median ${median(lastRead).toFixed(1)}`);
} finally {
  client.destroy();
  ecs.stop();
}
