// Everything that comes from the measured project (function names, file paths, entry names, argument reprs, error
// messages) is data: it must render as text, never as markdown, HTML, a mention, a table delimiter or the end of a
// code block. Every renderer goes through these helpers; none writes data into markdown directly.

// Characters that mean something to GFM inline syntax, to GitHub's HTML sanitiser, to tables (|) or to math ($),
// written as numeric character references, which every one of those layers reads as plain text.
const SPECIAL = /[&<>"'`|\\*_[\]~$]/g

// C0/C1 controls (other than tab) and Unicode bidi overrides: invisible, and able to reorder what a reader sees.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

const NEEDS_CLEANING = new RegExp(`${INVISIBLE.source}|[\\r\\n\\t]`)

function encode(text: string): string {
  return text.replace(SPECIAL, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** One line of text: controls removed, line breaks shown as ⏎ so a name can never add a row or a block. */
export function singleLine(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text
  return text
    .replace(INVISIBLE, '')
    .replace(/\r\n|\r|\n/g, ' ⏎ ')
    .replace(/\t/g, ' ')
}

/** Shortens to at most `max` characters (by code point, so no surrogate pair is split), marking the cut with …. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text
  const points = Array.from(text)
  if (points.length <= max) return text
  const keep = Math.max(1, max - 1)
  // Keep both ends: for qualified names and paths the tail is the informative part.
  const head = Math.ceil(keep / 3)
  return `${points.slice(0, head).join('')}…${points.slice(points.length - (keep - head)).join('')}`
}

/**
 * Data as code inside markdown or HTML: a `<code>` element whose content is entity-encoded. Safe in table cells
 * (no `|` or `\`), in `<summary>`, and in prose; GitHub links no @mention, #reference or emoji inside code.
 */
export function code(text: string, max = 120): string {
  return `<code>${encode(shorten(singleLine(text), max))}</code>`
}

/**
 * Data as plain prose (e.g. an error message in a sentence): entity-encoded, one line, bounded. Outside code GitHub
 * links `@name` and `#123` even when written as entities, so a zero-width space after `@` and `#` breaks the link.
 */
export function prose(text: string, max = 300): string {
  return encode(shorten(singleLine(text), max).replace(/[@#]/g, '$&\u200b'))
}

/**
 * A fenced code block whose fence is longer than any backtick run in the content, so nothing in the data can close
 * it; `language` is ours, never data.
 */
export function codeBlock(content: string, language = ''): string {
  const clean = content.replace(/\r\n|\r/g, '\n').replace(INVISIBLE, '')
  let longestRun = 0
  for (const run of clean.matchAll(/`+/g)) longestRun = Math.max(longestRun, run[0].length)
  const fence = '`'.repeat(Math.max(3, longestRun + 1))
  return `${fence}${language}\n${clean.replace(/\n+$/, '')}\n${fence}`
}

/** A link whose text is data and whose URL we built; the URL is percent-encoded where markdown would misread it. */
export function link(textMarkdown: string, url: string): string {
  const hex = (ch: string): string => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  const safe = url.replace(/[\s()<>[\]`'"\\]/g, (ch) =>
    encodeURIComponent(ch) === ch ? hex(ch) : encodeURIComponent(ch),
  )
  return `[${textMarkdown}](${safe})`
}
