import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { exposedMetricNames } from './exposed-metrics.js';

// The Grafana dashboard shipped with the chart (charts/ecs-scheduler/dashboards/ecs-scheduler.json) may
// only query metrics the controller exposes: its /metrics is this registry's text, process metrics
// included. A renamed metric fails here instead of leaving an empty panel.

interface Dashboard {
  uid: string;
  panels: { title: string; targets: { expr: string }[] }[];
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../charts/ecs-scheduler/dashboards/ecs-scheduler.json', import.meta.url), 'utf8'),
) as Dashboard;

/** The metric names a PromQL expression reads (ours and the process's). */
function queriedNames(expr: string): string[] {
  return [...expr.matchAll(/\b(?:ecs_scheduler|process|nodejs)_[a-z0-9_]+/g)].map((m) => m[0]);
}

describe('the Grafana dashboard', () => {
  it('queries only metrics the controller exposes', async () => {
    const exposed = await exposedMetricNames();
    const missing = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) => queriedNames(target.expr).filter((name) => !exposed.has(name)).map((name) => `${panel.title}: ${name}`)),
    );
    expect(missing).to.deep.equal([]);
  });

  it('has the panels operators look for: lateness, outcomes, the work queue, the leader, ECS throttling and errors', () => {
    const titles = dashboard.panels.map((p) => p.title);
    expect(titles).to.include.members(['Firing lateness', 'Firings by outcome', 'Work queue', 'Leader', 'ECS throttling and errors']);
    expect(dashboard.panels.every((p) => p.targets.length > 0 && p.targets.every((t) => queriedNames(t.expr).length > 0))).to.equal(true);
  });

  it('the check can fail: a query of a metric that does not exist is caught', async () => {
    const exposed = await exposedMetricNames();
    expect(queriedNames('rate(ecs_scheduler_firings_total[5m])').filter((n) => !exposed.has(n))).to.deep.equal(['ecs_scheduler_firings_total']);
  });
});
