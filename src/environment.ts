// Base and head environments side by side: what differs (machine, Python build, imported distributions, OS), and
// whether time measured in one can be compared with time measured in the other. The harness records the
// environment (python/bytescope/harness/environment.py); this is the one place that reads it for a comparison.
import type { Environment } from './results.js'

export interface EnvironmentDifference {
  kind: 'cpu' | 'python' | 'platform' | 'distribution'
  /** What differs: "CPU model", "Python build", "OS", or a distribution's name (untrusted text, like the values). */
  label: string
  /** The value on each side; null when that side does not have it (a distribution only one side imported). */
  base: string | null
  head: string | null
}

export interface EnvironmentComparison {
  /** Why time is not compared, e.g. "baseline ran on AMD EPYC 7763, this run on Intel Xeon 8370C"; null if it is. */
  otherMachine: string | null
  /**
   * The baseline does not say which CPU it ran on (written before bytescope recorded it, or the system did not say):
   * time is compared as before, but may come from another machine.
   */
  machineUnknown: boolean
  differences: EnvironmentDifference[]
}

/** The Python builds as one line each: sys.version when both recorded it, else implementation and version. */
function pythonBuilds(base: Environment, head: Environment): [string, string] {
  const line = (env: Environment) =>
    base.python_build && head.python_build
      ? `${env.python_build!.implementation} ${env.python_build!.sys_version}`
      : `${env.implementation} ${env.python_version}`
  return [line(base), line(head)]
}

function distributionDifferences(base: Environment, head: Environment): EnvironmentDifference[] {
  // Only when both sides recorded them: a baseline from before the record has no list, which says nothing.
  if (!base.distributions || !head.distributions) return []
  const names = [...new Set([...Object.keys(base.distributions), ...Object.keys(head.distributions)])]
  return names
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
    .map((name) => ({ name, base: base.distributions![name] ?? null, head: head.distributions![name] ?? null }))
    .filter(({ base: b, head: h }) => b !== h)
    .map(({ name, base: b, head: h }) => ({ kind: 'distribution' as const, label: name, base: b, head: h }))
}

export function compareEnvironments(base: Environment, head: Environment): EnvironmentComparison {
  const differences: EnvironmentDifference[] = []
  const baseCpu = base.cpu_model ?? null
  const headCpu = head.cpu_model ?? null
  if (baseCpu !== null && headCpu !== null && baseCpu !== headCpu)
    differences.push({ kind: 'cpu', label: 'CPU model', base: baseCpu, head: headCpu })
  // Without a CPU model, another architecture still proves another machine.
  const otherArchitecture = Boolean(base.machine && head.machine && base.machine !== head.machine)
  if (otherArchitecture && differences.length === 0)
    differences.push({ kind: 'cpu', label: 'CPU architecture', base: base.machine!, head: head.machine! })
  const [baseBuild, headBuild] = pythonBuilds(base, head)
  if (baseBuild !== headBuild)
    differences.push({ kind: 'python', label: 'Python build', base: baseBuild, head: headBuild })
  if (base.platform !== head.platform)
    differences.push({ kind: 'platform', label: 'OS', base: base.platform, head: head.platform })
  differences.push(...distributionDifferences(base, head))

  const machine = differences.find((d) => d.kind === 'cpu')
  const python = differences.find((d) => d.kind === 'python')
  const reasons = [
    machine && `baseline ran on ${machine.base}, this run on ${machine.head}`,
    python && `baseline ran ${python.base}, this run ${python.head}`,
  ].filter((r): r is string => Boolean(r))
  return {
    otherMachine: reasons.length > 0 ? reasons.join('; ') : null,
    machineUnknown: !machine && (baseCpu === null || headCpu === null),
    differences,
  }
}
