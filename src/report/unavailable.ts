// Why a metric was not compared, in words: the gate hands over the reason as data (src/verdict.ts, Unavailable).
import type { PythonRelease, Unavailable } from '../verdict.js'

/** "not comparable: base ran Python 3.12.1, head 3.13.0", naming the implementations when they differ. */
function otherPython(base: PythonRelease, head: PythonRelease): string {
  const named = base.implementation !== head.implementation
  const side = (release: PythonRelease) => `${named ? release.implementation : 'Python'} ${release.version}`
  return `not comparable: base ran ${side(base)}, head ${named ? side(head) : head.version}`
}

export function unavailableText(unavailable: Unavailable): string {
  switch (unavailable.why) {
    case 'not-measured':
      return unavailable.note ?? 'not measured'
    case 'no-baseline':
      return 'no baseline'
    case 'new-entry':
      return 'new entry'
    case 'baseline-failed':
      return `the baseline run ${unavailable.timedOut ? 'timed out' : 'errored'}`
    case 'not-measured-on-baseline':
      return 'not measured on the baseline'
    case 'no-samples':
      return `no ${unavailable.clock} time samples${unavailable.onBaseline ? ' on the baseline' : ''}`
    case 'other-python':
      return otherPython(unavailable.base, unavailable.head)
    case 'other-machine':
      return (
        `not comparable: other machine (${unavailable.detail}); same-runner mode (compare: same-runner) measures ` +
        'base and head on one runner and compares time'
      )
  }
}
