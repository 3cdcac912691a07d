import { ControllerMetrics } from '../../src/controller/metrics.js';

/**
 * Every metric name the controller's /metrics shows (its registry's text and the per-job gauges, process metrics included),
 * histograms' _bucket, _sum and _count series too: what the dashboard and the alerting rules may read.
 */
export async function exposedMetricNames(): Promise<Set<string>> {
  const metrics = new ControllerMetrics();
  metrics.collectProcessMetrics();
  const names = new Set<string>();
  for (const line of (await metrics.text()).split('\n')) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (match === null) continue;
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}
