// The command line every bench script takes: its own `--name value` options, then `--` and flags passed on to every
// bytescope run.
export function benchArgs(argv = process.argv.slice(2)) {
  const separator = argv.indexOf('--')
  const args = separator < 0 ? argv : argv.slice(0, separator)
  return {
    /** The script's own arguments, before `--`. */
    args,
    /** The value after `--name`, or `fallback`. */
    option: (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback),
    /** Every value given after a repeated `--name`. */
    options: (name) => args.flatMap((a, i) => (a === `--${name}` ? [args[i + 1]] : [])),
    extraFlags: separator < 0 ? [] : argv.slice(separator + 1),
  }
}
