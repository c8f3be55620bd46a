// A sign-in request of an app signed in with Portcullis, as the OpenID Connect provider's interaction answers it: what the
// app asks for (GET /oidc/interaction/:uid/details), the user's decision, and a fresh sign-in when the app asked for one.
// Each answer says where the browser goes next, back to the app.
import type { ConsentDecision, InteractionDetails, InteractionRedirect } from '@portcullis/shared/api/oidc'
import { queryOptions, useMutation } from '@tanstack/react-query'
import { apiFetch } from '../../../lib/api-client.ts'
import { ProblemError } from '../../../lib/problem.ts'
import { confirmItIsYou } from '../../../lib/reauth.ts'

/** The provider's answer when the request is unknown: expired, or already answered. */
export const INTERACTION_NOT_FOUND = 'interaction_not_found'

export function isInteractionGone(error: unknown): boolean {
  return error instanceof ProblemError && error.status === 404 && error.code === INTERACTION_NOT_FOUND
}

function interactionPath(uid: string, step: 'details' | 'consent' | 'login'): string {
  return `/oidc/interaction/${encodeURIComponent(uid)}/${step}`
}

export function interactionQuery(uid: string) {
  return queryOptions({
    queryKey: ['oidc-interaction', uid] as const,
    queryFn: ({ signal }) => apiFetch<InteractionDetails>(interactionPath(uid, 'details'), { signal }),
    // One request, one answer: asking again on focus could find it answered (in another tab) and show it expired.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    gcTime: 0,
  })
}

/** Sends the user's decision; resolves with where the browser goes next. */
export function useConsentDecision(uid: string) {
  return useMutation({
    mutationFn: (decision: ConsentDecision['decision']) =>
      apiFetch<InteractionRedirect>(interactionPath(uid, 'consent'), { method: 'POST', body: { decision } satisfies ConsentDecision }),
  })
}

/**
 * The app asked for a fresh sign-in: the one re-authentication prompt asks the user to confirm it is them (a new token of the
 * same session, signed in just now), then the provider is told; closing the prompt fails with `cancelled`'s sentence.
 */
export function useFreshSignIn(uid: string) {
  return useMutation({
    mutationFn: async (clientName: string) => {
      await confirmItIsYou(
        new ProblemError(401, {
          code: 'reauthentication_required',
          detail: `You did not confirm it is you, so you are not signed in to ${clientName}.`,
        }),
      )
      return apiFetch<InteractionRedirect>(interactionPath(uid, 'login'), { method: 'POST' })
    },
  })
}
