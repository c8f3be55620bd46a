// The README's table of settings, made from the declarations (each process's config.ts): one row per setting with the
// processes that read it, its default and its description. `pnpm settings:table` rewrites the table in README.md; a test
// fails when the README, or .env.example, says something the declarations do not.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TObject } from 'typebox'
import { PROCESS_SETTINGS, TlsSettings } from './stack/settings.ts'

export const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../README.md')
export const TABLE_START = '<!-- settings table: pnpm settings:table writes it from the declarations -->'
export const TABLE_END = '<!-- end of the settings table -->'

export interface DeclaredSetting {
  name: string
  /** The processes that read it: auth, user, admin, oidc, gateway, or pnpm start:tls. */
  readBy: string[]
  default: unknown
  description: string
  secret: boolean
}

interface SettingSchema {
  default?: unknown
  description?: string
  secret?: boolean
}

/** Every setting of every process, in the order they are declared (auth's first, then what the others add). */
export function declaredSettings(): DeclaredSetting[] {
  const sources: Array<[string, TObject]> = [...Object.entries(PROCESS_SETTINGS), ['pnpm start:tls', TlsSettings]]
  const settings = new Map<string, DeclaredSetting>()
  for (const [reader, schema] of sources) {
    for (const [name, property] of Object.entries(schema.properties as Record<string, SettingSchema>)) {
      const known = settings.get(name)
      if (known) known.readBy.push(reader)
      else settings.set(name, { name, readBy: [reader], default: property.default, description: property.description ?? '', secret: property.secret === true })
    }
  }
  return [...settings.values()]
}

function readers(readBy: string[]): string {
  return Object.keys(PROCESS_SETTINGS).every((process) => readBy.includes(process)) ? 'all' : readBy.join(', ')
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|')
}

export function settingsTable(): string {
  const rows = declaredSettings().map(
    (setting) =>
      `| \`${setting.name}\` | ${readers(setting.readBy)} | ${setting.default === undefined ? 'unset' : `\`${String(setting.default)}\``} | ${cell(setting.description)}${setting.secret ? ' (a secret: never repeated in a message)' : ''} |`,
  )
  return ['| variable | read by | default | meaning |', '|---|---|---|---|', ...rows].join('\n')
}

/** The README with its table replaced by the one the declarations make. */
export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(TABLE_START)
  const end = readme.indexOf(TABLE_END)
  if (start < 0 || end < start) throw new Error(`README.md has no settings table between "${TABLE_START}" and "${TABLE_END}"`)
  return `${readme.slice(0, start + TABLE_START.length)}\n${settingsTable()}\n${readme.slice(end)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, readmeWithTable(readFileSync(README, 'utf8')))
  console.log('README.md: the settings table is written from the declarations')
}
