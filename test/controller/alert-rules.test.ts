import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { load } from 'js-yaml';
import { exposedMetricNames } from './exposed-metrics.js';

// The alerting rules shipped with the chart (charts/ecs-scheduler/alerts/ecs-scheduler.rules.yaml) may only
// read metrics the controller exposes, as the dashboard's queries (dashboard.test.ts).

interface Rules {
  groups: { name: string; rules: { alert: string; expr: string; labels: { severity: string }; annotations: { summary: string } }[] }[];
}

const rules = load(readFileSync(new URL('../../charts/ecs-scheduler/alerts/ecs-scheduler.rules.yaml', import.meta.url), 'utf8')) as Rules;

describe('the alerting rules', () => {
  const all = rules.groups.flatMap((g) => g.rules);

  it('read only metrics the controller exposes, and each reads one', async () => {
    const exposed = await exposedMetricNames();
    for (const rule of all) {
      const names = [...rule.expr.matchAll(/\becs_scheduler_[a-z0-9_]+/g)].map((m) => m[0]);
      expect(names.length, rule.alert).to.be.greaterThan(0);
      expect(names.filter((n) => !exposed.has(n)), rule.alert).to.deep.equal([]);
    }
  });

  it('cover no leader, late firings, failed and missed firings, throttling, and per job a failed run and no recent success, each with a severity and a summary', () => {
    expect(all.map((r) => r.alert)).to.have.members([
      'EcsSchedulerNoLeader',
      'EcsSchedulerFiringsLate',
      'EcsSchedulerLaunchesFailing',
      'EcsSchedulerMissedFirings',
      'EcsSchedulerEcsThrottled',
      'EcsSchedulerJobFailing',
      'EcsSchedulerJobNoRecentSuccess',
    ]);
    for (const rule of all) {
      expect(['critical', 'warning', 'info'], rule.alert).to.include(rule.labels.severity);
      expect(rule.annotations.summary.length, rule.alert).to.be.greaterThan(0);
    }
  });

  it('name only outcomes the controller counts', () => {
    const outcomes = all.flatMap((r) => [...r.expr.matchAll(/outcome=~?"([^"]+)"/g)].flatMap((m) => (m[1] as string).split('|')));
    const source = readFileSync(new URL('../../src/controller/sync-job.ts', import.meta.url), 'utf8') + readFileSync(new URL('../../src/controller/firing-runner.ts', import.meta.url), 'utf8') + readFileSync(new URL('../../src/aws/ecs-json-client.ts', import.meta.url), 'utf8');
    expect(outcomes.filter((o) => !source.includes(`'${o}'`))).to.deep.equal([]);
  });
});
