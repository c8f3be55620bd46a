// What the reliability suite reads from the environment, declared once: how long and how hard it runs, and where its random
// inputs start (RELIABILITY_SEED, to replay a run).
import { Type } from 'typebox'
import { type Env, readSettings } from '@portcullis/shared/settings/load'

export const ReliabilitySettings = Type.Object({
  RELIABILITY_SECONDS: Type.Integer({ minimum: 5, maximum: 3600, default: 60, description: 'how long the mixed load runs, seconds' }),
  RELIABILITY_FUZZ_RUNS: Type.Integer({ minimum: 1, maximum: 100_000, default: 150, description: 'fuzzed requests per route' }),
  RELIABILITY_FUZZ_ROUTE_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 20_000, description: 'the most time one route is fuzzed, ms' }),
  RELIABILITY_FUZZ_TOTAL_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 150_000, description: 'the most time all routes are fuzzed, ms' }),
  RELIABILITY_SEED: Type.Optional(Type.Integer({ minimum: 0, description: "the fuzzer's starting value, to replay a run; unset: from the clock" })),
})

export function reliabilitySettings(env: Env = process.env) {
  return readSettings(ReliabilitySettings, env)
}

/** The directories of PATH, where the suite looks for MariaDB's programs after the usual places. */
export function searchPath(env: Env = process.env): string[] {
  return (env.PATH ?? '').split(':').filter(Boolean)
}
