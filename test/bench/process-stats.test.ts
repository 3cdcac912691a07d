import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { cpuSeconds, mainThreadCpuSeconds } from '../../bench/process-stats.js';

// Each busy loop runs until the process has used `ms` of CPU by its own count (getrusage, not /proc), so
// that a machine busy with other work stretches the loop rather than failing the test.
const spinSource = (ms: number) =>
  `const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
   const until = cpu() + ${ms}; while (cpu() < until) {}`;

describe('bench: CPU of a process and of its main thread (/proc)', () => {
  it('counts a busy worker thread in the process, not in its main thread', async () => {
    const [processBefore, mainBefore] = [cpuSeconds(process.pid), mainThreadCpuSeconds(process.pid)];
    const worker = new Worker(spinSource(400), { eval: true });
    await new Promise((resolve, reject) => worker.once('exit', resolve).once('error', reject));
    const processSpent = cpuSeconds(process.pid) - processBefore;
    const mainSpent = mainThreadCpuSeconds(process.pid) - mainBefore;
    expect(processSpent).to.be.greaterThan(0.3);
    expect(mainSpent).to.be.lessThan(0.1);
  });

  it('counts the main thread busy in both', () => {
    const [processBefore, mainBefore] = [cpuSeconds(process.pid), mainThreadCpuSeconds(process.pid)];
    new Function(spinSource(300))();
    expect(mainThreadCpuSeconds(process.pid) - mainBefore).to.be.greaterThan(0.2);
    expect(cpuSeconds(process.pid) - processBefore).to.be.greaterThan(0.2);
  });
});
