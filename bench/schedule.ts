// Next-fire-time cost for 100,000 generated schedules: `npx tsx bench/schedule.ts`.
// Prints per-call cost (p50, p99, mean) and totals for parsing, for the first nextFireTime call of each
// schedule ("arm": includes building each zone's offset table on first use) and for the next one
// ("re-arm", steady state). Schedules are the kinds of things jobs use: `?`-resolved intervals, daily,
// weekday, monthly, nth-weekday, quarterly, biweekly, leap-day; in 10 zones (UTC weighted).
import { parseSchedule, resolveRandomFields, type Schedule } from '../src/schedule/index.js';

const JOBS = 100_000;
const ZONES = [
  'UTC', 'UTC', 'UTC', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Tokyo',
  'Australia/Sydney', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'America/Los_Angeles',
];

// mulberry32: a deterministic sequence, so runs are comparable.
let state = 12345;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;

function generate(i: number): string {
  const s = int(60);
  const m = int(60);
  const h = int(24);
  const templates = [
    () => resolveRandomFields(`? */${pick([1, 2, 5, 10, 15, 30])}`, `bench/job-${i}`),
    () => `${s} */${pick([5, 10, 15])} ${pick(['*', '8-18', '*/2'])}`,
    () => `${s} ${m} ${h}`,
    () => `${s} ${m} ${h} mon-fri`,
    () => `${s} ${m} */${pick([2, 3, 4, 6, 12])}`,
    () => `${s} ${m} ${h} * * ${1 + int(28)}`,
    () => `${s} ${m} ${h} * * ${pick(['last_fri', '2nd_wed', '1st_mon', 'last'])}`,
    () => `${s} ${m} ${h} sun * * jan,apr,jul,oct`,
    () => `${s} ${m} ${h} mon 1-52/2`,
    () => `*/${pick([10, 15, 20, 30])}`,
    () => `${s} ${m} ${h} * * 29 2`,
  ];
  return pick(templates)();
}

function stats(name: string, samples: Float64Array): void {
  const sorted = Float64Array.from(samples).sort();
  const total = samples.reduce((a, b) => a + b, 0);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  const us = (ns: number): string => `${(ns / 1000).toFixed(2)} µs`;
  console.log(
    `${name.padEnd(8)} p50 ${us(at(0.5)).padStart(10)}  p99 ${us(at(0.99)).padStart(10)}  mean ${us(total / samples.length).padStart(10)}  total ${(total / 1e6).toFixed(0)} ms`,
  );
}

const expressions = Array.from({ length: JOBS }, (_, i) => generate(i));
const zones = Array.from({ length: JOBS }, () => pick(ZONES));
// Jobs arm at different moments within a year.
const afters = Array.from({ length: JOBS }, () => new Date(Date.UTC(2025, 0, 1) + int(365 * 86400) * 1000 + int(1000)));

const parseTimes = new Float64Array(JOBS);
const schedules: Schedule[] = [];
for (let i = 0; i < JOBS; i += 1) {
  const t0 = process.hrtime.bigint();
  schedules.push(parseSchedule(expressions[i] as string, { timezone: zones[i] as string }));
  parseTimes[i] = Number(process.hrtime.bigint() - t0);
}

const armTimes = new Float64Array(JOBS);
const firsts: (Date | null)[] = [];
for (let i = 0; i < JOBS; i += 1) {
  const t0 = process.hrtime.bigint();
  firsts.push((schedules[i] as Schedule).nextFireTime(afters[i] as Date));
  armTimes[i] = Number(process.hrtime.bigint() - t0);
}

const rearmTimes = new Float64Array(JOBS);
for (let i = 0; i < JOBS; i += 1) {
  const first = firsts[i];
  const t0 = process.hrtime.bigint();
  if (first) (schedules[i] as Schedule).nextFireTime(first);
  rearmTimes[i] = Number(process.hrtime.bigint() - t0);
}

console.log(`${JOBS} schedules in ${new Set(zones).size} zones (node ${process.version}, ${process.platform}/${process.arch})`);
stats('parse', parseTimes);
stats('arm', armTimes);
stats('re-arm', rearmTimes);
