import { describe, expect, it } from 'vitest'
import { annotations, MAX_ANNOTATIONS } from '../src/annotations.js'
import { gate } from '../src/gate.js'
import type { ResultsEntry } from '../src/results.js'
import { entry, GATE_SETTINGS, noisy, results } from './support/results.js'

const settings = GATE_SETTINGS

function profiled(e: ResultsEntry, rows: [string, string, number, number][]): ResultsEntry {
  const functions = rows.map(([qualname, filename, lineno, own]) => ({
    qualname,
    filename,
    lineno,
    calls: 1,
    primitive_calls: 1,
    own_ns: own,
    total_ns: own,
  }))
  return {
    ...e,
    profile: {
      schema_version: 1,
      clock: 'wall',
      functions,
      tree: { name: 'root', filename: '', lineno: 0, calls: 1, own_ns: 0, total_ns: 0, children: [] },
    },
  }
}

describe('annotations', () => {
  it('puts a time regression on the project function whose own time grew most, relative to the repository root', () => {
    const base = profiled(entry({ samples: noisy(1_000_000, 30, 0.02, 1) }), [
      ['hot', 'pkg/core.py', 10, 500_000],
      ['helper', 'pkg/util.py', 3, 100_000],
    ])
    const head = profiled(entry({ samples: noisy(1_300_000, 30, 0.02, 2) }), [
      ['hot', 'pkg/core.py', 12, 520_000],
      ['helper', 'pkg/util.py', 3, 380_000],
      ['sorted', '/usr/lib/python3.12/functools.py', 1, 900_000],
      ['<listcomp>', '<frozen importlib>', 1, 900_000],
    ])
    const [annotation, ...rest] = annotations(gate(results([head]), results([base]), settings), '/ws/project', '/ws')
    expect(rest).toEqual([])
    expect(annotation).toMatchObject({ title: 'bytescope: work regressed', file: 'project/pkg/util.py', startLine: 3 })
    expect(annotation!.message).toMatch(/^time: wall median .*\nRegressed most: helper \(own time \+0\.28 ms\)\.$/)
  })

  it('blames the allocation site that grew for memory, and annotates without a file when none is in the project', () => {
    const site = (size: number, filename: string) => ({
      size_bytes: size,
      count: 1,
      traceback: [{ filename, lineno: 7 }],
    })
    const base = {
      ...entry({ peak: 100_000 }),
      memory: { peak_bytes: 100_000, allocated_bytes: 0, allocations: 0, top_sites: [site(1000, 'app/cache.py')] },
    }
    const head = {
      ...entry({ peak: 200_000 }),
      memory: { peak_bytes: 200_000, allocated_bytes: 0, allocations: 0, top_sites: [site(90_000, 'app/cache.py')] },
    }
    const [withFile] = annotations(gate(results([head]), results([base]), settings), '/ws', '/ws')
    expect(withFile).toMatchObject({ file: 'app/cache.py', startLine: 7 })
    const outside = { ...head, memory: { ...head.memory, top_sites: [site(90_000, '/usr/lib/python3/json.py')] } }
    const [bare] = annotations(gate(results([outside]), results([base]), settings), '/ws', '/ws')
    expect(bare!.file).toBeUndefined()
    expect(bare!.title).toBe('bytescope: work regressed')
  })

  it('annotates errored entries, and at most 10 in all', () => {
    const entries = Array.from({ length: 12 }, (_, i) => entry({ name: `e${i}`, status: 'error' }))
    const found = annotations(gate(results(entries), null, settings), '/ws', '/ws')
    expect(found).toHaveLength(MAX_ANNOTATIONS)
    expect(found[0]).toEqual({
      title: 'bytescope: e0 failed',
      message: 'e0: failed during timing: ZeroDivisionError: division by zero',
    })
  })
})
