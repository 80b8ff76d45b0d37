// Looking metrics up by name: the readers of a verdict (reports, annotations) find each comparison's metric here.
import { METRICS, type MetricSetting } from './index.js'
import type { Metric } from './metric.js'

export function metricNamed(name: string): Metric<MetricSetting> | undefined {
  return METRICS.find((m) => m.name === name)
}
