// A killed test run leaves nothing behind: not its servers, not its temporary directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { sweepStaleStacks } from '../../hack/stack/stale-stacks.js';
import { waitFor } from './wait-for.js';

const fixture = fileURLToPath(new URL('./fixtures/hold-moto.ts', import.meta.url));

interface Held {
  owner: ChildProcess;
  dir: string;
  motoPid: number;
  watchdogPid: number;
}

/** Starts the fixture (moto under a watchdog, in a process of its own) and returns what it started. */
async function holdMoto(): Promise<Held> {
  const owner = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await createInterface({ input: owner.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
  return { owner, ...(JSON.parse(line!) as Omit<Held, 'owner'>) };
}

/** Whether `pid` is a live process (a zombie awaiting its reaper counts as gone). */
function isRunning(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('stack cleanup', function () {
  this.timeout(30_000);

  it('stops the servers and removes the directory when the owner is SIGKILLed', async function () {
    const held = await holdMoto();
    expect(isRunning(held.motoPid)).to.equal(true);
    held.owner.kill('SIGKILL');
    await waitFor('moto to stop', async () => !isRunning(held.motoPid), { timeoutMs: 10_000 });
    await waitFor('the stack directory to go', async () => !existsSync(held.dir), { timeoutMs: 10_000 });
  });

  it('sweeps what an owner and its watchdog, both killed, left behind', async function () {
    const held = await holdMoto();
    process.kill(held.watchdogPid, 'SIGKILL');
    held.owner.kill('SIGKILL');
    await waitFor('the owner to exit', async () => held.owner.exitCode !== null || held.owner.signalCode !== null);
    expect(isRunning(held.motoPid)).to.equal(true);
    expect(sweepStaleStacks()).to.be.at.least(1);
    await waitFor('moto to stop', async () => !isRunning(held.motoPid), { timeoutMs: 10_000 });
    expect(existsSync(held.dir)).to.equal(false);
  });
});
