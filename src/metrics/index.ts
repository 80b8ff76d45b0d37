// The gate's metrics, in the order the verdict, the failure lines and the summary table list them. A new metric is
// one module beside these (src/metrics/metric.ts says what it supplies) and one line here; its setting goes in
// action.yml and the settings catalogue.
import { instructions } from './instructions.js'
import { memory } from './memory.js'
import type { Metric } from './metric.js'
import { time } from './time.js'

const LIST = [time, memory, instructions] as const

/** Every setting some metric reads. */
export type MetricSetting = (typeof LIST)[number] extends infer M ? (M extends Metric<infer S> ? S : never) : never

export const METRICS: readonly Metric<MetricSetting>[] = LIST
