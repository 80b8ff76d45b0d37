// A mermaid bar chart GitHub renders natively: each entry's head time (the gate's statistic) as a percentage of its base, with a
// line at 100% (unchanged). Bars start at zero, so ratios read honestly where signed changes would not.
import type { Verdict } from '../verdict.js'
import { timeLabel } from '../metrics/time.js'

/** Mermaid has no escaping for quoted labels: keep a safe character set and mark anything else. */
function label(name: string, taken: Set<string>): string {
  const base =
    Array.from(name.replace(/[^A-Za-z0-9 _.:/-]/g, '?'))
      .slice(0, 24)
      .join('') || '?'
  let candidate = base
  for (let n = 2; taken.has(candidate); n++) candidate = `${base} (${n})`
  taken.add(candidate)
  return candidate
}

const MAX_BARS = 30

/** The chart, or null when it would not help (fewer than two compared entries, or too many to read). */
export function timeChart(verdict: Verdict): string | null {
  const bars = verdict.entries.flatMap((entry) => {
    const time = entry.metrics.find((m) => m.metric === 'time')
    return time?.change != null && time.status !== 'not-comparable'
      ? [{ name: entry.name, ratio: 1 + time.change }]
      : []
  })
  if (bars.length < 2 || bars.length > MAX_BARS) return null
  const taken = new Set<string>()
  const labels = bars.map((b) => `"${label(b.name, taken)}"`)
  const values = bars.map((b) => (b.ratio * 100).toFixed(1))
  const top = Math.max(110, Math.ceil(Math.max(...bars.map((b) => b.ratio * 100)) / 10) * 10)
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${timeLabel(verdict)}, head as % of base (100 = unchanged)"`,
    `    x-axis [${labels.join(', ')}]`,
    `    y-axis "% of base" 0 --> ${top}`,
    `    bar [${values.join(', ')}]`,
    `    line [${bars.map(() => '100').join(', ')}]`,
    '```',
  ].join('\n')
}
