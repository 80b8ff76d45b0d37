// The results file written by `python -m bytescope run`: its TypeScript shape and its validation against the one
// committed JSON Schema (schema/results.schema.json), shared with the Python side.
import { Ajv } from 'ajv'
import schema from '../schema/results.schema.json' with { type: 'json' }

export const RESULTS_SCHEMA_VERSION = 1

export interface Environment {
  python_version: string
  implementation: string
  executable: string
  platform: string
  system?: string
  machine?: string
  cpu_count: number | null
  commit: string | null
  /** The processor's model name; null when the system did not say; absent in files from before it was recorded. */
  cpu_model?: string | null
  python_build?: PythonBuild
  /** Name to version of the distributions providing a module the entries imported. */
  distributions?: Record<string, string>
  distributions_omitted?: number
}

/** Which build of Python ran (python/bytescope/harness/environment.py). */
export interface PythonBuild {
  implementation: string
  version: string
  /** sys.version on one line: version, build and compiler. */
  sys_version: string
  build?: string | null
  compiler?: string | null
}

export interface Settings {
  repeat: number
  warmup: number
  timeout: number
  memory: boolean
  /** Fresh processes per entry that each measured the peak (absent in files written before it existed: one). */
  memory_runs?: number
  instructions: boolean
  /** Absolute project directory: the entries' working directory, first on sys.path. */
  cwd?: string
}

export type Phase = 'import' | 'warmup' | 'timing' | 'profile' | 'memory' | 'instructions' | 'capture'

export interface EntryError {
  /** Exception type (module-qualified unless a builtin), or Timeout, Crash, Exit, HarnessError. */
  type: string
  message: string
  /** The user's traceback; for Crash/Exit the tail of the worker's stderr. */
  traceback: string | null
  phase?: Phase
}

export interface TimeStats {
  samples_ns: number[]
  cpu_samples_ns: number[]
  median_ns: number
  mean_ns: number
  min_ns: number
  max_ns?: number
  stdev_ns: number
  mad_ns: number
  cpu_median_ns?: number
  /** Same-runner mode: how many of the samples each round (a fresh process) took, in order. */
  round_sizes?: number[]
}

export interface Frame {
  filename: string
  lineno: number
}

export interface AllocationSite {
  size_bytes: number
  count: number
  traceback: Frame[]
}

export interface MemoryStats {
  /** tracemalloc peak during one call, above what was traced before it; with peaks_bytes, the largest of them. */
  peak_bytes: number
  /** The peak in each fresh process that measured it; absent in one-peak files (read them with `peakSpread`). */
  peaks_bytes?: number[]
  peak_min_bytes?: number
  peak_max_bytes?: number
  /** Memory processes that measured no peak (1-based), and why. */
  failed_processes?: { process: number; reason: string }[]
  /** Bytes allocated during the call and still alive when it returned. */
  allocated_bytes: number
  allocations: number
  top_sites: AllocationSite[]
  traceback_limit?: number
}

/**
 * A function's identity across base and head: its file and the name the harness gives it (for project code the
 * addressable qualname, `#2`, `#3`… for later same-named twins, numbered by their place in the code). The harness
 * owns the pairing (docs/harness.md, "Function identity"); joining rows by this key only reads it.
 */
export function functionKey(f: { filename: string; qualname: string; key?: string }): string {
  return `${f.filename}\u0000${f.key ?? f.qualname}`
}

/** On base rows after joinPairs (src/pairing.ts): the qualname of the head function this one is. */
interface Paired {
  key?: string
}

export interface InstructionCounts {
  total: number
  method: 'basic-blocks' | 'sys.monitoring' | 'settrace'
  /** The functions that executed the most instructions (at most 200), most first. */
  functions: ({ qualname: string; filename: string; lineno: number; count: number } & Paired)[]
  /** total = listed counts + omitted_count. */
  omitted_functions?: number
  omitted_count?: number
}

export interface FunctionRow extends Paired {
  qualname: string
  filename: string
  lineno: number
  calls: number
  primitive_calls: number
  resumes?: number
  own_ns: number
  total_ns: number
}

export interface TreeNode {
  name: string
  filename: string
  lineno: number
  calls: number
  own_ns: number
  total_ns: number
  resumes?: number
  /** Subtrees left out below this node, and their total time (included in total_ns). */
  pruned_nodes?: number
  pruned_ns?: number
  children: TreeNode[]
}

export interface Profile {
  schema_version: number
  clock: 'wall' | 'cpu'
  functions: FunctionRow[]
  tree: TreeNode
  overhead?: Record<string, unknown> | null
  /** Rows left out: outside the top 150 by own and by total time, and not the project's. */
  omitted_functions?: number
}

export interface NormalizedInstruction {
  opname: string
  argrepr: string
  category: string
  label?: string | null
  line?: number | null
}

export interface CapturedFunction extends Paired {
  qualname: string
  filename: string
  firstlineno: number
  lastlineno: number
  hash: string
  instructions: NormalizedInstruction[]
  category_counts: Record<string, number>
  /** How often each instruction ran in the instruction pass's one call (parallel to instructions; null: unseen). */
  executed?: (number | null)[]
}

export interface ResultsEntry {
  name: string
  target: string
  status: 'ok' | 'error' | 'timeout'
  error: EntryError | null
  import_ns?: number | null
  output?: {
    stdout?: string
    stderr?: string
    stdout_bytes?: number
    stderr_bytes?: number
    truncated?: boolean
  } | null
  time: TimeStats | null
  memory: MemoryStats | null
  /** Why memory is null although it was to be measured. */
  memory_unmeasured?: string | null
  instructions: InstructionCounts | null
  /** Why instructions is null although they were asked for (the pass overran the timeout). */
  instructions_unmeasured?: string
  profile: Profile | null
  functions: CapturedFunction[]
  /** Wall time of the whole entry as the harness saw it (process start to result). */
  elapsed_ns?: number
}

export interface Results {
  schema_version: number
  bytescope_version: string
  created_at: string
  environment: Environment
  settings: Settings
  /** The bytecode registry's words for each instruction category (absent from older results). */
  categories?: Record<string, CategoryWords>
  entries: ResultsEntry[]
}

export interface CategoryWords {
  title: string
  /** "attribute access", as in "+1 attribute access". */
  singular: string
  plural: string
}

const ajv = new Ajv({ allErrors: true, strict: false })
const validate = ajv.compile(schema)

/** Thrown for a results file that is not valid JSON or does not match the schema; `message` is one readable line. */
export class ResultsValidationError extends Error {
  override name = 'ResultsValidationError'
}

/** Parses and validates a results file's text; `source` names it in errors. */
export function parseResults(text: string, source: string): Results {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ResultsValidationError(`${source} is not valid JSON: ${(error as Error).message}`)
  }
  return checkResults(data, source)
}

/** Validates already-parsed data as a results file. */
export function checkResults(data: unknown, source: string): Results {
  const version = (data as { schema_version?: unknown } | null)?.schema_version
  if (typeof data === 'object' && data !== null && version !== undefined && version !== RESULTS_SCHEMA_VERSION) {
    throw new ResultsValidationError(
      `${source} has results schema_version ${JSON.stringify(version)}; this bytescope reads version ${RESULTS_SCHEMA_VERSION}`,
    )
  }
  if (!validate(data)) {
    const problems = (validate.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ')
    throw new ResultsValidationError(`${source} is not a bytescope results file: ${problems}`)
  }
  return data as unknown as Results
}

/** "3.12" from "3.12.1". */
export function pythonMinor(results: Results): string {
  return results.environment.python_version.split('.').slice(0, 2).join('.')
}

/** Time, memory and instructions are comparable only between the same Python implementation and minor version. */
export function samePython(base: Results, head: Results): boolean {
  return base.environment.implementation === head.environment.implementation && pythonMinor(base) === pythonMinor(head)
}
