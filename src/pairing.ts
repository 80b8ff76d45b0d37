// The harness pairs base functions with head functions (python/bytescope/harness/pairing.py: same-named twins by
// their order in the code, aligned by content). `python -m bytescope diff --json` prints the pairs whose names
// differ; joinPairs applies them to the verdict once, after which every reader joins base and head rows by
// functionKey and pairs nothing itself.
import { functionKey, type ResultsEntry } from './results.js'
import type { BytecodeDiffReport } from './report/context.js'
import type { Verdict } from './verdict.js'

/** A key no head function has: a base function the harness found no partner for. */
const UNPAIRED = '\u0001unpaired\u0001'

interface Named {
  filename: string
  qualname: string
  key?: string
}

function isPair(value: unknown): value is { filename: string; base: string; head: string | null } {
  const pair = value as { filename?: unknown; base?: unknown; head?: unknown } | null
  return (
    typeof pair?.filename === 'string' &&
    typeof pair.base === 'string' &&
    (pair.head === null || typeof pair.head === 'string')
  )
}

function keyed(entry: ResultsEntry, partners: Map<string, string | null>): ResultsEntry {
  const withKey = <T extends Named>(row: T): T => {
    const k = functionKey(row)
    if (!partners.has(k)) return row
    return { ...row, key: partners.get(k) ?? `${UNPAIRED}${row.qualname}` }
  }
  return {
    ...entry,
    functions: entry.functions.map(withKey),
    profile: entry.profile && { ...entry.profile, functions: entry.profile.functions.map(withKey) },
    instructions: entry.instructions && {
      ...entry.instructions,
      functions: entry.instructions.functions.map(withKey),
    },
  }
}

/** The verdict with each base function keyed as the head function it is. The diff comes from another process:
 * anything not shaped like a pair is ignored (those functions then pair by name). */
export function joinPairs(verdict: Verdict, diff: BytecodeDiffReport | null | undefined): Verdict {
  const pairsOf = new Map<string, unknown[]>()
  for (const entry of Array.isArray(diff?.entries) ? diff.entries : []) {
    if (typeof entry?.name === 'string' && Array.isArray(entry.pairs)) pairsOf.set(entry.name, entry.pairs)
  }
  return {
    ...verdict,
    entries: verdict.entries.map((entry) => {
      const pairs = (pairsOf.get(entry.name) ?? []).filter(isPair)
      if (!entry.base || pairs.length === 0) return entry
      const partners = new Map(pairs.map((p) => [functionKey({ filename: p.filename, qualname: p.base }), p.head]))
      return { ...entry, base: keyed(entry.base, partners) }
    }),
  }
}
