// Finds every CPython 3.10+ on this machine: python3.10 … python3.14 on PATH and each `pyenv versions` install.
// One interpreter per minor version; a candidate only counts if it actually runs (pyenv shims may not).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

export const MINORS = ['3.10', '3.11', '3.12', '3.13', '3.14']

function probe(executable) {
  try {
    const out = execFileSync(
      executable,
      [
        '-c',
        'import sys, platform; print(platform.python_implementation(), "%d.%d" % sys.version_info[:2], sys.executable)',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20000 },
    )
    const [implementation, minor, resolved] = out.trim().split(' ')
    return { implementation, minor, executable: resolved || executable }
  } catch {
    return null
  }
}

function pyenvCandidates() {
  try {
    const root = execFileSync('pyenv', ['root'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const versions = execFileSync('pyenv', ['versions', '--bare'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return versions
      .split('\n')
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => path.join(root, 'versions', v, 'bin', 'python3'))
      .filter((p) => existsSync(p))
  } catch {
    return []
  }
}

/** Returns { found: [{ minor, executable }], tried: [name] }, newest minor last. */
export function findPythons() {
  const tried = []
  const byMinor = new Map()
  const candidates = [...MINORS.map((m) => `python${m}`), ...pyenvCandidates()]
  for (const candidate of candidates) {
    tried.push(candidate)
    const info = probe(candidate)
    if (!info || info.implementation !== 'CPython' || !MINORS.includes(info.minor) || byMinor.has(info.minor)) continue
    byMinor.set(info.minor, { minor: info.minor, executable: info.executable })
  }
  const found = MINORS.filter((m) => byMinor.has(m)).map((m) => byMinor.get(m))
  return { found, tried }
}

export function noPythonMessage(tried) {
  return `bytescope: no CPython 3.10+ found (tried: ${tried.join(', ')}); install one of ${MINORS.join(', ')}`
}
