// `node scripts/pyodide-tests.mjs TESTS TOP [PATTERN]`: the Python suite on CPython 3.14 compiled to WebAssembly
// (the `pyodide` dev dependency), for `npm test` while no native 3.14 is installable here. One interpreter instance
// runs the whole suite, as `python -m unittest discover -s TESTS -t TOP` would, and prints unittest's own output;
// the exit status says whether it passed. scripts/test.mjs runs this in a child process so a runtime abort or a hang
// (Pyodide has no threads, so nothing inside can time it out) is bounded and reported there.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadPyodide } from 'pyodide'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const [tests, top] = process.argv.slice(2, 4).map((p) => path.resolve(root, p))
const pattern = process.argv[4] ?? 'test*.py'
const write = (stream) => ({ write: (bytes) => (stream.write(bytes), bytes.length) })

// A test that ends the runtime (os._exit, an abort) surfaces here: report it in one line, not with Node's default
// print of the minified runtime's source line.
const fatal = (error) => {
  process.stderr.write(`pyodide runtime ended: ${error?.message ?? error}\n`)
  process.exit(error?.status || 1)
}
process.on('uncaughtException', fatal)
process.on('unhandledRejection', fatal)

const pyodide = await loadPyodide({ env: { ...process.env, HOME: '/home/pyodide' } })
pyodide.setStdout(write(process.stdout))
pyodide.setStderr(write(process.stderr))
// The host directories appear at their own paths, so file names in tracebacks and golden-file paths read the same
// as on a native run (the tests find the repository, e.g. schema/, relative to their own files).
for (const dir of new Set([root, top])) {
  if (dir !== root && !path.relative(root, dir).startsWith('..')) continue
  pyodide.FS.mkdirTree(dir)
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: dir }, dir)
}
pyodide.globals.set('tests', tests)
pyodide.globals.set('top', top)
pyodide.globals.set('pattern', pattern)
const ok = await run(`
import os, sys, unittest
sys.dont_write_bytecode = True  # no 3.14 caches written into the host's tree
sys.path.insert(0, top)
os.chdir(top)
unittest.main(module=None, argv=["python -m unittest", "discover", "-s", tests, "-t", top, "-p", pattern], exit=False).result.wasSuccessful()
`)
process.exitCode = ok ? 0 : 1

// Asynchronously, so that asyncio.run() inside a test can suspend the WebAssembly stack (JSPI: test.mjs passes the
// flag this Node needs).
async function run(code) {
  try {
    return await pyodide.runPythonAsync(code)
  } catch (error) {
    // A Python exception's message is its traceback; the default print would add the whole minified runtime.
    process.stderr.write(`${error.message ?? error}\n`)
    return false
  }
}
