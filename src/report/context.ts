// What the report needs to know besides the verdict: where it runs, how to link, and the bytecode diffs the
// harness computed (Python owns the one alignment algorithm; the report only renders its output).

export interface ReportContext {
  /** owner/name, for links to code; null outside GitHub (links are then left out). */
  repository: string | null
  /** https://github.com, or the GitHub Enterprise server. */
  serverUrl: string
  /** This workflow run's URL, where the job summary and the artifacts are. */
  runUrl: string | null
  /** The commit that was measured (for a pull request: its head commit, not the merge commit). */
  headSha: string | null
  /** The matrix leg, shown in the headline when set. */
  commentKey: string
  /** The one command that reproduces the comparison locally; shown verbatim in a code block. */
  reproduceCommand: string | null
  /**
   * The project directory relative to the repository root ('' or '.' for the root), because results files name
   * source files relative to the project directory.
   */
  sourceRoot?: string
  /** Name of the artifact that holds the results and the full report, for the "left out" note. */
  artifactName?: string | null
  /** Output of `python -m bytescope diff BASE.json HEAD.json --json`; null when it was not computed. */
  bytecodeDiff?: BytecodeDiffReport | null
  /** Draw a mermaid chart of per-entry time change (default: when two or more entries were compared). */
  chart?: boolean
}

/** One normalised instruction as the diff shows it: no offsets, no line numbers, jump targets as labels. */
export interface DiffInstruction {
  opname: string
  argrepr: string
  category: string
  label?: string | null
  line?: number | null
  /** How often it ran in the instruction pass's one call (0: cold; null: never reported, e.g. RESUME). */
  executed?: number | null
}

/** Where a changed function's executed-instruction delta comes from: bytescope.harness.executed.breakdown(). */
export interface ExecutedBreakdown {
  changes: { count: number; opname: string; argrepr: string; executed: number }[]
  omitted: number
  delta: number
  entry_delta: number | null
}

/** One aligned run: `equal` and `replace` pair base[k] with head[k]; `insert` and `delete` are one-sided. */
export interface DiffOp {
  tag: 'equal' | 'replace' | 'insert' | 'delete'
  base: DiffInstruction[]
  head: DiffInstruction[]
}

/** One function's aligned diff: bytescope.bytecode.diff.FunctionDiff.to_dict(). */
export interface FunctionBytecodeDiff {
  qualname: string
  status: 'changed' | 'added' | 'removed' | 'unchanged'
  base_count: number
  head_count: number
  /** category -> head count minus base count, non-zero only. */
  category_deltas: Record<string, number>
  ops: DiffOp[]
  /** The function change's `executed`, attached by diffIndex (not part of FunctionDiff.to_dict()). */
  executed?: ExecutedBreakdown | null
}

/** A captured function whose hash differs between base and head, as the harness diff lists it per entry. */
export interface FunctionChange {
  qualname: string
  filename: string
  status: 'changed' | 'added' | 'removed'
  base_hash: string | null
  head_hash: string | null
  diff: FunctionBytecodeDiff
  executed?: ExecutedBreakdown | null
}

/**
 * What `python -m bytescope diff BASE.json HEAD.json --json` prints (bytescope.harness.diff.to_json_data); the
 * report reads the bytecode part of it.
 */
export interface BytecodeDiffReport {
  same_python?: boolean
  notice?: string | null
  entries: {
    name: string
    status: 'compared' | 'added' | 'removed'
    functions?: FunctionChange[]
    /** Base functions whose head partner has another name, or none (null): the harness's pairing. */
    pairs?: { filename: string; base: string; head: string | null }[]
  }[]
}
