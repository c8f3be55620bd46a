// Server state lives in one query cache; a 4xx is an answer, not a reason to retry.
import { QueryClient } from '@tanstack/react-query'
import { ProblemError } from '../lib/problem.ts'

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failures, error) => !(error instanceof ProblemError && error.status < 500) && failures < 2,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  })
}
