// How a row of the settings table (schema/settings.json) reads in help and documentation. Plain JavaScript so that
// scripts/action-docs.mjs, which writes action.yml and docs/configuration.md from the table, shares it with the action.

/** A default as help and documentation show it. */
export function defaultText(row) {
  if (row.defaultText !== undefined) return row.defaultText
  return Array.isArray(row.default) ? row.default.join(', ') : String(row.default)
}

/** The help line without its default: `{key}` reads as that setting's default, in its `words` when it has them. */
export function helpOf(row, rows) {
  return row.help.replace(/\{([a-z-]+)\}/g, (placeholder, key) => {
    const other = rows.find((r) => r.key === key)
    if (!other) throw new Error(`schema/settings.json: ${row.key}'s help names no setting ${placeholder}`)
    return other.words?.[String(other.default)] ?? defaultText(other)
  })
}

/** The help line, ending with the default when there is one. */
export function helpLine(row, rows) {
  const help = helpOf(row, rows)
  return row.default === null && row.defaultText === undefined ? help : `${help} (default: ${defaultText(row)})`
}
