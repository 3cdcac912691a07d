import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { cpuSeconds, mainThreadCpuSeconds } from '../../bench/process-stats.js';

/** Keeps this thread busy for `ms`. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe('bench: CPU of a process and of its main thread (/proc)', () => {
  it('counts a busy worker thread in the process, not in its main thread', async () => {
    const [processBefore, mainBefore] = [cpuSeconds(process.pid), mainThreadCpuSeconds(process.pid)];
    const worker = new Worker('const until = performance.now() + 400; while (performance.now() < until) {}', { eval: true });
    await new Promise((resolve, reject) => worker.once('exit', resolve).once('error', reject));
    const processSpent = cpuSeconds(process.pid) - processBefore;
    const mainSpent = mainThreadCpuSeconds(process.pid) - mainBefore;
    expect(processSpent - mainSpent).to.be.greaterThan(0.3);
    expect(mainSpent).to.be.lessThan(0.2);
  });

  it('counts the main thread busy in both', () => {
    const [processBefore, mainBefore] = [cpuSeconds(process.pid), mainThreadCpuSeconds(process.pid)];
    spin(300);
    expect(mainThreadCpuSeconds(process.pid) - mainBefore).to.be.greaterThan(0.2);
    expect(cpuSeconds(process.pid) - processBefore).to.be.greaterThan(0.2);
  });
});
