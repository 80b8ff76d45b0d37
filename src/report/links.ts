// Links into the repository at the measured commit. Results name files relative to the project directory; a file
// outside it (the standard library, site-packages, <string>) has no link.
import type { ReportContext } from './context.js'

const MAX_URL_LENGTH = 1000

function isProjectPath(filename: string): boolean {
  return (
    filename.length > 0 &&
    filename !== '~' &&
    !filename.startsWith('<') &&
    !filename.startsWith('/') &&
    !/^[A-Za-z]:[\\/]/.test(filename) &&
    !filename.split(/[\\/]/).includes('..')
  )
}

/** URL of `filename` lines first–last at the head commit, or null when there is nothing to link to. */
export function sourceUrl(
  context: ReportContext,
  filename: string,
  first?: number | null,
  last?: number | null,
): string | null {
  if (!context.repository || !context.headSha || !isProjectPath(filename)) return null
  const root = (context.sourceRoot ?? '').replace(/^\.?\/*|\/+$/g, '')
  const path = [...(root ? root.split('/') : []), ...filename.split(/[\\/]/)]
    .filter((segment) => segment !== '' && segment !== '.')
    .map(encodeURIComponent)
    .join('/')
  let anchor = ''
  if (first != null && first > 0) anchor = last != null && last > first ? `#L${first}-L${last}` : `#L${first}`
  const url = `${context.serverUrl.replace(/\/+$/, '')}/${context.repository}/blob/${context.headSha}/${path}${anchor}`
  // A link longer than any real path only costs comment space.
  return url.length <= MAX_URL_LENGTH ? url : null
}
