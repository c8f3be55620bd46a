// oidc-provider's own session (its _session cookie) would sign a browser in to an app long after the user signed out of
// Portcullis. Its login prompt asks one more thing: is the same user signed in to Portcullis in this browser now, in the
// session the app's grant was made in? When not, the browser goes through our interaction again (or, with prompt=none, the
// app hears login_required), so signing in to an app never outlives the Portcullis session.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider'

export type PortcullisSessionCheck = (ctx: KoaContextWithOIDC) => Promise<boolean>

export function portcullisLoginPolicy(stillSignedIn: PortcullisSessionCheck): interactionPolicy.Prompt[] {
  const { Check, base } = interactionPolicy
  const policy = base()
  policy
    .get('login')
    ?.checks.add(
      new Check('portcullis_session', 'End-User is not signed in to Portcullis in this browser', async (ctx) =>
        (await stillSignedIn(ctx)) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
      ),
    )
  return policy
}
