// A report is a list of blocks: atomic pieces of markdown (a table, a <details> section, a code block) that are
// kept whole or left out, never cut. Size bounding works on blocks only, so it needs no knowledge of markdown.

export interface Block {
  /** The section the block belongs to, for the "left out" note, e.g. "bytecode diffs of". */
  group: string
  /** What the block shows within its group (markdown, escaped), e.g. `<code>pkg.f</code>`. */
  name: string
  /**
   * Renderings from richest to most compact; the bounder steps down one at a time. A compact rendering that drops
   * content says so itself (e.g. "12 more rows in the full report").
   */
  variants: string[]
  /** Higher is kept longer; required blocks (headline, summary table) are never dropped, only compacted. */
  importance: number
  required?: boolean
}

/** One block with a single rendering. */
export function block(group: string, name: string, markdown: string, importance: number, required = false): Block {
  return { group, name, variants: [markdown], importance, required }
}

export const SEPARATOR = '\n\n'

/** Names listed per group and kind in the note; the rest are counted. */
const LISTED = 5

export interface Bounded {
  markdown: string
  /** One line per group of blocks left out or shortened (markdown); empty when everything fits. */
  omitted: string[]
}

/** "bytecode diffs of `a`, `b` and 3 more (shortened)". */
function noteLine(group: string, names: string[], suffix: string): string {
  const listed = names.slice(0, LISTED).join(', ')
  const more = names.length > LISTED ? ` and ${names.length - LISTED} more` : ''
  return `${group} ${listed}${more}`.trim() + suffix
}

/**
 * Joins blocks within `maxLength` characters (UTF-16 code units, which never undercounts GitHub's limit).
 * While too long, the least important block gives way: it steps to its next, more compact rendering, and is dropped
 * when it has none left (unless required); then the next least important. `note` renders the lines saying what was
 * left out and where the full report is; its length is reserved up front from the longest names, so the loop stays
 * linear in the number of blocks however many give way. Then the space left is filled again, most important first.
 */
export function bound(blocks: Block[], maxLength: number, note: (lines: string[]) => string): Bounded {
  const level = blocks.map(() => 0)
  const dropped = blocks.map(() => false)
  const size = (i: number): number => blocks[i]!.variants[level[i]!]!.length + SEPARATOR.length
  let total = blocks.reduce((sum, _, i) => sum + size(i), 0)

  // Upper bound of the note: every group with up to LISTED of its longest names, once as left out, once shortened.
  const groups = [...new Set(blocks.map((b) => b.group))]
  const longest = new Map(groups.map((g) => [g, 0]))
  for (const b of blocks) longest.set(b.group, Math.max(longest.get(b.group)!, b.name.length))
  const touched = new Set<string>()
  const reserve = (): number => {
    if (touched.size === 0) return 0
    const lines = [...touched].map((g) =>
      noteLine(g, Array(LISTED + 1).fill('x'.repeat(longest.get(g)!)), ' (shortened)'),
    )
    return note([...lines, ...lines]).length + SEPARATOR.length
  }

  const order = blocks.map((_, i) => i).sort((a, b) => blocks[a]!.importance - blocks[b]!.importance || b - a)
  let next = 0
  while (total + reserve() > maxLength && next < order.length) {
    const i = order[next]!
    const b = blocks[i]!
    touched.add(b.group)
    total -= size(i)
    if (level[i]! + 1 < b.variants.length) {
      level[i]! += 1
      total += size(i)
    } else if (!b.required) {
      dropped[i] = true
      next += 1
    } else {
      total += size(i)
      next += 1
    }
  }
  // Giving way frees space in big steps (a large table compacted, say, after every detail block had already been
  // dropped): spend what is left by priority, each block back at the richest rendering that still fits.
  for (const i of [...order].reverse()) {
    const b = blocks[i]!
    if (!dropped[i] && level[i] === 0) continue
    const current = dropped[i] ? 0 : size(i)
    const last = dropped[i] ? b.variants.length : level[i]!
    for (let l = 0; l < last; l++) {
      const grown = b.variants[l]!.length + SEPARATOR.length
      if (total - current + grown + reserve() > maxLength) continue
      total += grown - current
      level[i] = l
      dropped[i] = false
      break
    }
  }

  const lines: string[] = []
  for (const group of groups) {
    const members = blocks
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => b.group === group)
      .sort((x, y) => y.b.importance - x.b.importance || x.i - y.i)
    const left = members.filter(({ i }) => dropped[i]).map(({ b }) => b.name)
    const shortened = members.filter(({ i }) => !dropped[i] && level[i]! > 0).map(({ b }) => b.name)
    if (left.length > 0) lines.push(noteLine(group, left, ''))
    if (shortened.length > 0) lines.push(noteLine(group, shortened, ' (shortened)'))
  }
  const parts = blocks.flatMap((b, i) => (dropped[i] ? [] : [b.variants[level[i]!]!]))
  if (lines.length > 0) parts.push(note(lines))
  const markdown = parts.join(SEPARATOR) + '\n'
  if (markdown.length <= maxLength) return { markdown, omitted: lines }
  // Even the required blocks at their most compact do not fit: post the note alone rather than a broken body.
  const alone = note(['the whole report: even its shortest form is too long'])
  return { markdown: alone.length < maxLength ? `${alone}\n` : '', omitted: ['the whole report'] }
}
