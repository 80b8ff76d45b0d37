// Where a run starts: inside GitHub Actions (no arguments) it is the action, anywhere else the local CLI. Both adapters
// run the same pipeline (src/pipeline.ts); they differ only in where settings come from and where the report goes.
import { runAction } from './adapters/action.js'
import { runLocal } from './adapters/cli.js'

export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const inActions = process.env.GITHUB_ACTIONS === 'true' && argv.length === 0
  process.exitCode = inActions ? await runAction() : await runLocal(argv)
}
