// The few pages oidc-provider itself shows a browser, in Portcullis' words and without anything from elsewhere (its own
// defaults load a web font from Google): an error it cannot send back to the app (a redirect URI not registered, an unknown
// client), the RP-initiated logout's confirmation, and the page after it when the app gave no way back.
import type { KoaContextWithOIDC } from 'oidc-provider'

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')
}

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0;padding:3rem 1rem;background:#f6f7f9;color:#1c2430}main{max-width:28rem;margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}h1{font-size:1.4rem}button{display:block;width:100%;margin:.5rem 0;padding:.6rem;font-size:1rem;border-radius:6px;border:1px solid #2f5bd3;background:#2f5bd3;color:#fff;cursor:pointer}button.secondary{background:#fff;color:#2f5bd3}'

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Portcullis</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`
}

function appName(ctx: KoaContextWithOIDC): string {
  return ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? 'the app'
}

export async function renderProviderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): Promise<void> {
  ctx.type = 'html'
  const why = out.error_description ?? out.error
  ctx.body = page(
    'This sign-in cannot go on',
    `<h1>This sign-in cannot go on</h1><p>${escapeHtml(why.charAt(0).toUpperCase() + why.slice(1))}.</p><p>Go back to the app and try again; if it keeps happening, tell whoever runs it (the error is <code>${escapeHtml(out.error)}</code>).</p>`,
  )
}

export async function logoutConfirmation(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const name = escapeHtml(appName(ctx))
  ctx.type = 'html'
  ctx.body = page(
    `Sign out of ${appName(ctx)}?`,
    `<h1>Sign out of ${name}?</h1>${form}<button autofocus type="submit" form="op.logoutForm">Sign out of ${name}</button><button class="secondary" type="submit" form="op.logoutForm" name="logout" value="yes">Sign out of every app</button><p>Either way you stay signed in to Portcullis itself; sign out there to end that too.</p>`,
  )
}

export async function signedOutPage(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html'
  ctx.body = page('Signed out', `<h1>Signed out</h1><p>You are signed out of ${escapeHtml(appName(ctx))}.</p><p><a href="/">Go to Portcullis</a></p>`)
}
