// Runs prepare-database-main.ts as its own short-lived process, so that what preparing the database imports does not stay in
// pnpm start's supervisor; its refusals come back as the same errors, with the same names and messages.
import { fork } from 'node:child_process'
import { ConfigError } from '@portcullis/shared/settings/load'
import type { PreparedDatabase } from './prepare-database.ts'

type Answer = { prepared: PreparedDatabase } | { error: { name: string; message: string } }

const main = new URL('./prepare-database-main.ts', import.meta.url).pathname

/** Prepares the database this process's environment names (the settings the supervisor checked) in a child, which inherits it. */
export function prepareDatabaseApart(): Promise<PreparedDatabase> {
  return new Promise((resolve, reject) => {
    const child = fork(main, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let answer: Answer | undefined
    child.once('message', (message) => {
      answer = message as Answer
    })
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      if (answer && 'prepared' in answer) return resolve(answer.prepared)
      if (!answer) return reject(new Error(`preparing the database stopped (${signal ?? `code ${code}`}) without an answer`))
      const { name, message } = answer.error
      const error = name === 'ConfigError' ? new ConfigError(message) : new Error(message)
      if (name !== 'ConfigError') error.name = name
      reject(error)
    })
  })
}
