// What the tests read from the environment, declared once like the processes' settings: which databases to run the suites
// on, where MariaDB, Redis and Chromium are, and the environment a test hands on to the processes it starts.
import { type Static, Type } from 'typebox'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import { type Env, readSettings } from '@portcullis/shared/settings/load'

export const TestSettings = Type.Object({
  TEST_DATABASES: Type.String({ default: 'sqlite,mysql', description: 'the databases the suites run on, comma-separated: sqlite, mysql' }),
  TEST_MYSQL_URL: Type.String({
    default: 'mysql://root@127.0.0.1:3306',
    description: 'a MariaDB or MySQL server where tests create (and drop) their databases',
  }),
  TEST_REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', description: 'a Redis for the tests of the shared rate-limit counters' }),
  E2E_DATABASE: Type.Union([Type.Literal('mysql'), Type.Literal('sqlite')], { default: 'mysql', description: 'the database of the browser tests' }),
  CHROMIUM_PATH: Type.String({ default: '/usr/bin/chromium', description: 'the Chromium the browser tests drive' }),
  CI: Type.Optional(Type.String({ description: 'set by .ci/run (any value but 0, false, no, off): a test whose tool is missing fails instead of skipping' })),
})

export type TestSettingValues = Static<typeof TestSettings>

/** The test settings of this process's environment. */
export function testSettings(env: Env = process.env): TestSettingValues {
  return readSettings(TestSettings, env)
}

/** The kinds to run suites on: TEST_DATABASES=sqlite,mysql (default both). */
export function testDatabaseKinds(env: Env = process.env): DatabaseKind[] {
  const wanted = testSettings(env)
    .TEST_DATABASES.split(',')
    .map((s) => s.trim())
  return (['sqlite', 'mysql'] as const).filter((kind) => wanted.includes(kind))
}

/** Whether this run is CI's: there a missing tool is a failure, not a reason to skip. */
export function inCi(env: Env = process.env): boolean {
  const value = testSettings(env).CI
  return value !== undefined && !/^(0|false|no|off)$/i.test(value)
}

/** PATH as this process has it: what a test hands on to a process it starts, so that it finds node, nginx and the rest. */
export function inheritedPath(): { PATH: string } {
  return { PATH: process.env.PATH ?? '' }
}

/** This process's whole environment, for the few tests that run a command exactly as the shell that started them would. */
export function inheritedEnvironment(): Env {
  return { ...process.env }
}

/** The stand-in service's instructions (fake-service.ts): exit at once with a code, or serve /readyz on a port. */
export function fakeServiceSettings(env: Env = process.env): { exitCode: number | undefined; managementPort: number } {
  const values = readSettings(
    Type.Object({
      FAKE_EXIT_CODE: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
      MANAGEMENT_PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 0 }),
    }),
    env,
  )
  return { exitCode: values.FAKE_EXIT_CODE, managementPort: values.MANAGEMENT_PORT }
}
