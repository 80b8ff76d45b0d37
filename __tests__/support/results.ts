// Builds schema-valid results objects for gate and report unit tests, so each test states only what it is about.
import type { GateSettings } from '../../src/gate.js'
import type { Results, ResultsEntry } from '../../src/results.js'

/** The gate's settings at their usual values: 5% time, 1% memory and instructions, p < 0.05 on wall medians. */
export const GATE_SETTINGS: GateSettings = {
  entryPoints: [],
  timeThreshold: 0.05,
  memoryThreshold: 0.01,
  instructionsThreshold: 0.01,
  maxPeakMemory: null,
  significance: 0.05,
  clock: 'wall',
  timeStatistic: 'median',
}

export interface EntryOptions {
  name?: string
  samples?: number[]
  /** CPU time samples; the wall samples by default. */
  cpuSamples?: number[]
  peak?: number | null
  /** One peak per memory process; `peak` alone writes a one-peak entry, as files did before peaks were kept. */
  peaks?: number[]
  instructions?: number | null
  status?: ResultsEntry['status']
}

export function entry(options: EntryOptions = {}): ResultsEntry {
  const samples = options.samples ?? [100, 101, 99, 100, 102]
  const sorted = [...samples].sort((a, b) => a - b)
  const median =
    sorted.length % 2 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2
  const failed = options.status !== undefined && options.status !== 'ok'
  return {
    name: options.name ?? 'work',
    target: 'pkg.bench:work',
    status: options.status ?? 'ok',
    error: failed ? { type: 'ZeroDivisionError', message: 'division by zero', traceback: null, phase: 'timing' } : null,
    time: failed
      ? null
      : {
          samples_ns: samples,
          cpu_samples_ns: options.cpuSamples ?? samples,
          median_ns: median,
          mean_ns: samples.reduce((a, b) => a + b, 0) / samples.length,
          min_ns: sorted[0]!,
          stdev_ns: 1,
          mad_ns: 1,
        },
    memory:
      failed || options.peak === null
        ? null
        : {
            peak_bytes: options.peaks ? Math.max(...options.peaks) : (options.peak ?? 100_000),
            allocated_bytes: 200_000,
            allocations: 1000,
            top_sites: [],
            ...(options.peaks
              ? {
                  peaks_bytes: options.peaks,
                  peak_min_bytes: Math.min(...options.peaks),
                  peak_max_bytes: Math.max(...options.peaks),
                  failed_processes: [],
                }
              : {}),
          },
    instructions:
      failed || options.instructions == null
        ? null
        : { total: options.instructions, method: 'settrace', functions: [] },
    profile: null,
    functions: [],
  }
}

export function results(entries: ResultsEntry[], pythonVersion = '3.12.1'): Results {
  return {
    schema_version: 1,
    bytescope_version: '0.1.0',
    created_at: '2026-11-20T00:00:00Z',
    environment: {
      python_version: pythonVersion,
      implementation: 'CPython',
      executable: '/usr/bin/python3',
      platform: 'Linux-6.1-x86_64',
      cpu_count: 2,
      commit: null,
      cpu_model: 'Test CPU',
      python_build: {
        implementation: 'CPython',
        version: pythonVersion,
        sys_version: `${pythonVersion} (main, Jan 1 2026, 00:00:00) [GCC 12.2.0]`,
      },
    },
    settings: { repeat: 5, warmup: 1, timeout: 60, memory: true, instructions: true },
    entries,
  }
}

/** Samples around `center` with a deterministic spread of about ±`spread` (relative). */
export function noisy(center: number, n: number, spread = 0.02, seed = 1): number[] {
  let state = seed
  return Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return Math.round(center * (1 + spread * (2 * (state / 2147483648) - 1)))
  })
}
