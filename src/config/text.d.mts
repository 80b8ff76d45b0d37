import type { SettingRow } from './table.js'

export function defaultText(row: SettingRow): string
export function helpOf(row: SettingRow, rows: readonly SettingRow[]): string
export function helpLine(row: SettingRow, rows: readonly SettingRow[]): string
