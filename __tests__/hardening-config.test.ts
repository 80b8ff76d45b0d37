// Settings the harness reads too: numbers in one grammar with the same bounds, entry names by Python's rule.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isEntryName, loadConfig, type RawSettings } from '../src/config.js'
import { error as loadError, load as loadSettings, project } from './support/config.js'

// The Pythons on this machine, found as the test runner (scripts/test.mjs) finds them.
const FIND_PYTHONS = '../scripts/find-pythons.mjs'
const { findPythons } = (await import(FIND_PYTHONS)) as {
  findPythons: () => { found: { minor: string; executable: string }[] }
}

/** The settings under test, with one entry. */
const load = (settings: RawSettings) => loadSettings({ 'entry-points': 'pkg.mod:main', ...settings })
const error = (settings: RawSettings) => loadError({ 'entry-points': 'pkg.mod:main', ...settings })

describe('numbers in settings', () => {
  it('reads plain decimals with a fraction or an exponent, as the harness does', () => {
    expect(load({ timeout: '10' }).timeout).toBe(10)
    expect(load({ timeout: '0.5' }).timeout).toBe(0.5)
    expect(load({ timeout: '2E3' }).timeout).toBe(2000)
    expect(load({ significance: '1e-300' }).significance).toBe(1e-300)
    expect(load({ repeat: '2e1' }).repeat).toBe(20)
    expect(load({ repeat: '20.0' }).repeat).toBe(20)
  })

  it.each(['0x10', 'inf', 'nan', 'Infinity', '1_000', '.5', '5.', '+1', '1 2'])(
    'accepts no --timeout 0x10 and no other number spelling outside the grammar: %j',
    (text) => {
      expect(error({ timeout: text })).toBe(
        `input timeout: ${JSON.stringify(text)} is not valid; expected a positive number of seconds up to 86400 (a day), e.g. 300`,
      )
    },
  )

  it('refuses a timeout over a day, naming the setting, so the harness deadline cannot overflow', () => {
    expect(load({ timeout: '86400' }).timeout).toBe(86_400)
    expect(error({ timeout: '86401' })).toBe(
      'input timeout: "86401" is not valid; expected a positive number of seconds up to 86400 (a day), e.g. 300',
    )
    const toml = project({ 'pyproject.toml': '[tool.bytescope]\ntimeout = 1e300\nentry-points = ["pkg.mod:main"]\n' })
    expect(() => loadConfig({ settings: {}, label: (key) => `input ${key}`, cwd: toml })).toThrow(
      /^timeout in pyproject\.toml \[tool\.bytescope\]: 1e\+300 is not valid; expected a positive number of seconds up to 86400/,
    )
  })

  it.each(['0x10', 'inf', 'nan', '1_000'])('refuses repeat: %j', (text) => {
    expect(error({ repeat: text })).toBe(
      `input repeat: ${JSON.stringify(text)} is not valid; expected a whole number from 1 to 100000`,
    )
  })
})

// Names whose verdict is the same in every Unicode version CPython 3.10-3.13 and Node 20/24 ship.
const TRICKY_NAMES = [
  'parse',
  'a b',
  'a\u200bb', // zero-width space (Cf)
  'a\u200db', // zero-width joiner (Cf)
  'a\u00a0b', // no-break space (Zs)
  'a\u3000b', // ideographic space (Zs)
  'a\u2028b', // line separator (Zl)
  'a\u2029b', // paragraph separator (Zp)
  'a\u00adb', // soft hyphen (Cf)
  'a\u202eb', // right-to-left override (Cf)
  'a\ufeffb', // byte order mark (Cf)
  'e\u0301', // combining acute accent (Mn)
  'na\u0308ive',
  '\u{1f600}', // emoji (So)
  '\u{1f468}\u200d\u{1f469}', // emoji joined by ZWJ
  'a\ud800b', // lone high surrogate (Cs)
  'a\udc00b', // lone low surrogate (Cs)
  'a\ue000b', // private use (Co)
  'a\u0378b', // unassigned (Cn)
  'a\tb',
  'a\nb',
  'a\rb',
  'a\u0000b',
  'a\u007fb',
  'a\u0085b', // next line (Cc)
  'a\u001fb',
  'اسم',
  '名前',
  'a'.repeat(100),
  'a'.repeat(101),
  '\u{1f600}'.repeat(100), // 100 characters, 200 UTF-16 units
  '\u{1f600}'.repeat(101),
  '',
  ' ',
  '  x  ',
]

// The harness's rule when it is importable (harden-py's check_entry_name), else the rule it implements.
const PYTHON_VERDICTS = String.raw`
import json, sys
try:
    from bytescope.harness.targets import check_entry_name
except ImportError:
    def check_entry_name(name):
        if not name.strip() or not name.isprintable() or len(name) > 100:
            raise ValueError(name)
        return name
def accepts(name):
    try:
        check_entry_name(name)
        return True
    except ValueError:
        return False
print(json.dumps([accepts(n) for n in json.load(sys.stdin)]))
`

describe('entry names', () => {
  const pythons = findPythons().found.filter((p) => ['3.10', '3.11', '3.12', '3.13'].includes(p.minor))

  it('finds the Pythons to compare with', () => {
    expect(pythons.length).toBeGreaterThan(0)
  })

  it.each(pythons.map((p) => [p.minor, p.executable]))(
    'accepts a\\u200bb nowhere: the action refuses exactly the names Python %s refuses',
    (_minor, executable) => {
      const out = execFileSync(executable, ['-c', PYTHON_VERDICTS], {
        input: JSON.stringify(TRICKY_NAMES),
        cwd: path.resolve('python'),
        encoding: 'utf8',
      })
      const python = JSON.parse(out) as boolean[]
      const differ = TRICKY_NAMES.filter((name, i) => isEntryName(name) !== python[i]).map((n) => JSON.stringify(n))
      expect(differ).toEqual([])
      expect(python.filter(Boolean).length).toBeGreaterThan(5)
    },
  )

  it('refuses a zero-width space in a name up front, with the line', () => {
    expect(error({ 'entry-points': 'ok=pkg.mod:a\nbad\u200bname=pkg.mod:b' })).toBe(
      'input entry-points line 2: "bad\\u200bname" is not valid; expected an entry name of 1 to 100 printable characters (no control, format or separator characters but spaces; give a long target a NAME=)',
    )
    // A target is the name when no NAME= is given: it must be a valid name too.
    expect(error({ 'entry-points': `${'d/'.repeat(60)}x.py` })).toMatch(
      /^input entry-points line 1: .* entry name of 1 to 100/,
    )
  })
})
