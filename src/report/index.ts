// The markdown report (job summary, PR comment, report file) rendered from the gate's verdict. Sections are built
// independently as blocks; `bound` keeps the whole within a size limit by giving up the least important ones first.
import type { BaselineInfo, Verdict } from '../verdict.js'
import { bound, block, type Block } from './blocks.js'
import { bytecodeBlocks } from './bytecode.js'
import { timeChart } from './chart.js'
import type { ReportContext } from './context.js'
import { entryDetailBlocks } from './entry-details.js'
import { code, link } from './escape.js'
import { footer } from './footer.js'
import { headline } from './headline.js'
import { orderedEntries, summaryTable } from './summary-table.js'

export type {
  ReportContext,
  BytecodeDiffReport,
  FunctionBytecodeDiff,
  FunctionChange,
  DiffOp,
  DiffInstruction,
} from './context.js'

/** GitHub rejects issue comments longer than this many characters. */
export const COMMENT_MAX_LENGTH = 65_536
/** GitHub's job summary limit is 1 MiB per step; this leaves room for everything else written there. */
export const SUMMARY_MAX_LENGTH = 1_000_000

// Importance: the higher, the longer a block survives size bounding.
const IMPORTANCE = { headline: 100, table: 90, footer: 80, bytecodeHot: 60, details: 50, bytecodeCold: 40, chart: 10 }

export interface RenderOptions {
  /** Upper bound on the markdown's length in characters (default: GitHub's comment limit). */
  maxLength?: number
  /**
   * Where the complete report is, for the note on what was left out (markdown). Default, for a comment: the run's
   * job summary and the results artifact.
   */
  fullReportAt?: string
}

export interface RenderedReport {
  markdown: string
  /** What had to be left out or shortened to fit `maxLength`; empty when everything fits. */
  omitted: string[]
}

function tableBlock(verdict: Verdict): Block {
  const n = verdict.entries.length
  const variants = [summaryTable(verdict)]
  for (const limit of [100, 25, 5]) if (n > limit) variants.push(summaryTable(verdict, limit))
  return { group: 'the summary table', name: '', variants, importance: IMPORTANCE.table, required: true }
}

function omittedNote(context: ReportContext, maxLength: number, fullReportAt?: string): (lines: string[]) => string {
  const where =
    fullReportAt ??
    [
      context.runUrl ? `the ${link('job summary', context.runUrl)}` : 'the job summary',
      context.artifactName ? `the ${code(context.artifactName, 100)} artifact` : null,
    ]
      .filter(Boolean)
      .join(' and ')
  return (lines) => {
    const items = lines.map((line) => `- ${line}`).join('\n')
    return (
      `> [!NOTE]\n> To stay within ${maxLength.toLocaleString('en-US')} characters, this report leaves out:\n>\n` +
      `${items.replace(/^/gm, '> ')}\n>\n> The full report is in ${where}.`
    )
  }
}

/**
 * Renders the report. `maxLength` bounds the result (callers pass less than COMMENT_MAX_LENGTH when they add text,
 * such as the comment's hidden marker).
 */
export function renderReport(
  verdict: Verdict,
  baseline: BaselineInfo | null,
  context: ReportContext,
  options: RenderOptions = {},
): RenderedReport {
  const maxLength = options.maxLength ?? COMMENT_MAX_LENGTH
  const blocks: Block[] = [
    block('the headline', '', headline(verdict, baseline, context), IMPORTANCE.headline, true),
    tableBlock(verdict),
  ]
  const chart = context.chart === false ? null : timeChart(verdict)
  if (chart) blocks.push(block('the time chart', '', chart, IMPORTANCE.chart))
  blocks.push(...entryDetailBlocks(orderedEntries(verdict), context, IMPORTANCE.details))
  blocks.push(...bytecodeBlocks(verdict, context, IMPORTANCE.bytecodeHot, IMPORTANCE.bytecodeCold))
  blocks.push(
    block(
      'the footer (environments, baseline, reproduce command)',
      '',
      footer(verdict, baseline, context),
      IMPORTANCE.footer,
    ),
  )
  return bound(blocks, maxLength, omittedNote(context, maxLength, options.fullReportAt))
}
