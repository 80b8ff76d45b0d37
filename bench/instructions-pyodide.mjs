// `node --experimental-wasm-stack-switching bench/instructions-pyodide.mjs [ARGS]`: bench/instructions_speed.py on
// CPython 3.14 compiled to WebAssembly (the `pyodide` dev dependency), while no native 3.14 is installable here. ARGS
// go to the script; its exit status is this one's.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadPyodide } from 'pyodide'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const write = (stream) => ({ write: (bytes) => (stream.write(bytes), bytes.length) })
const pyodide = await loadPyodide()
pyodide.setStdout(write(process.stdout))
pyodide.setStderr(write(process.stderr))
pyodide.FS.mkdirTree(root)
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root }, root)
pyodide.globals.set('script', path.join(root, 'bench', 'instructions_speed.py'))
pyodide.globals.set('args', process.argv.slice(2))
process.exitCode = await pyodide.runPythonAsync(`
import runpy, sys
sys.dont_write_bytecode = True
sys.argv = [script, *args]
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit as done:
    status = done.code or 0
else:
    status = 0
status
`)
