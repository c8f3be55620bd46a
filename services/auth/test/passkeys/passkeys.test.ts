// Passkeys on both databases, answered by a software authenticator that signs real WebAuthn bytes: registering several,
// signing in with one alone, using one as the second step after the password, renaming and removing, and every way an
// answer can be wrong (another origin or relying party, a used or foreign challenge, no user verification, a counter that
// went back, an unknown or another user's passkey).
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, bearer, signup, startTestAuth } from '@portcullis/testkit/auth-app'
import { SoftPasskey } from '@portcullis/testkit/soft-passkey'
import { totpCodeAt } from '../../src/mfa/totp.ts'

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

type Options = { challenge: string; rp: { id?: string }; user: { id: string } }

for (const kind of testDatabaseKinds()) {
  t.test(`passkeys on ${kind}`, async (t) => {
    const { app, database, config, clock } = await startTestAuth(t, kind)
    const db = database.handle.db
    const origin = config.publicUrl
    const login = (username: string, extra: Record<string, unknown> = {}) =>
      app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: STRONG_PASSWORD, ...extra } })
    const call = (token: string | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) })

    async function signedIn(username: string): Promise<{ token: string; userId: string }> {
      t.equal((await signup(app, username, { email: `${username}@example.test` })).statusCode, 201)
      const body = (await login(username)).json()
      return { token: body.access_token as string, userId: body.user.id as string }
    }

    async function addPasskey(token: string, passkey: SoftPasskey, name?: string) {
      const options = await call(token, 'POST', '/auth/passkeys/register/options', {})
      t.equal(options.statusCode, 200, 'registration options')
      return call(token, 'POST', '/auth/passkeys/register', { credential: passkey.register(options.json() as Options), ...(name ? { name } : {}) })
    }

    async function loginOptions() {
      const options = await call(null, 'POST', '/auth/passkeys/login/options', {})
      t.equal(options.statusCode, 200)
      return options.json() as { challenge: string; allowCredentials?: unknown[]; userVerification?: string; rpId?: string }
    }

    t.test('registering: options for this relying party, then the passkey, and ten recovery codes with the first factor', async (t) => {
      const { token, userId } = await signedIn('pia')
      const options = await call(token, 'POST', '/auth/passkeys/register/options', {})
      t.equal(options.statusCode, 200)
      const body = options.json()
      t.equal(body.rp.id, 'localhost', 'the relying party is PUBLIC_URL’s host')
      t.equal(body.rp.name, 'Portcullis')
      t.equal(body.user.name, 'pia')
      t.equal(Buffer.from(body.user.id, 'base64url').toString('utf8'), userId, 'the user handle is the user id')
      t.equal(body.authenticatorSelection.residentKey, 'required', 'discoverable, so it can sign in alone')
      t.same(body.excludeCredentials, [])
      t.equal(options.headers['cache-control'], 'no-store')

      const laptop = new SoftPasskey({ origin })
      const registered = await call(token, 'POST', '/auth/passkeys/register', { credential: laptop.register(body as Options), name: 'Work laptop' })
      t.equal(registered.statusCode, 201)
      t.equal(registered.json().passkey.name, 'Work laptop')
      t.equal(registered.json().passkey.last_used_at, null)
      t.equal(registered.json().recovery_codes.length, 10, 'the first second factor comes with recovery codes')
      t.same((await call(token, 'GET', '/auth/mfa')).json(), { totp: false, passkeys: 1, recovery_codes_left: 10 })

      const phone = new SoftPasskey({ origin })
      const second = await call(token, 'POST', '/auth/passkeys/register/options', {})
      t.same(
        second.json().excludeCredentials.map((c: { id: string }) => c.id),
        [laptop.id],
        'the passkeys already registered are excluded',
      )
      const again = await call(token, 'POST', '/auth/passkeys/register', { credential: phone.register(second.json() as Options) })
      t.equal(again.statusCode, 201)
      t.equal(again.json().passkey.name, 'Passkey 2', 'a name is made up when none is given')
      t.notOk('recovery_codes' in again.json(), 'no new codes for a second factor added later')
      const listed = (await call(token, 'GET', '/auth/passkeys')).json().passkeys as Array<{ name: string }>
      t.same(
        listed.map((p) => p.name),
        ['Work laptop', 'Passkey 2'],
      )
      const twice = await addPasskey(token, laptop)
      t.equal(twice.statusCode, 409)
      t.equal(twice.json().code, 'passkey_registered')
      const audit = await db.selectFrom('audit_events').select('type').where('user_id', '=', userId).execute()
      t.equal(audit.filter((e) => e.type === 'passkey_added').length, 2)
      t.equal(audit.filter((e) => e.type === 'mfa_enabled').length, 1)
    })

    t.test('a registration answer is refused for another origin, another relying party, a used or foreign challenge, or garbage', async (t) => {
      const { token } = await signedIn('quinn')
      const { token: otherToken } = await signedIn('rafa')
      const refused = async (what: string, payload: unknown, code = 'passkey_invalid') => {
        const answer = await call(token, 'POST', '/auth/passkeys/register', payload)
        t.equal(answer.json().code, code, what)
      }
      const options = async (as = token) => (await call(as, 'POST', '/auth/passkeys/register/options', {})).json() as Options
      await refused('another origin', { credential: new SoftPasskey({ origin }).register(await options(), { origin: 'https://evil.example' }) })
      await refused('another relying party', { credential: new SoftPasskey({ origin, rpId: 'evil.example' }).register(await options()) })
      await refused("another user's challenge", { credential: new SoftPasskey({ origin }).register(await options(otherToken)) })
      const used = new SoftPasskey({ origin }).register(await options())
      t.equal((await call(token, 'POST', '/auth/passkeys/register', { credential: used })).statusCode, 201)
      await refused('the same answer again: its challenge is spent', { credential: used })
      const garbled = new SoftPasskey({ origin }).register(await options())
      garbled.response.clientDataJSON = Buffer.from('not json').toString('base64url')
      await refused('clientDataJSON that is not JSON', { credential: garbled })
      const stale = await options()
      clock.advance(5 * 60_000 + 1)
      await refused('a challenge older than five minutes', { credential: new SoftPasskey({ origin }).register(stale) })
      const invalid = await call(token, 'POST', '/auth/passkeys/register', { credential: { id: 'x' } })
      t.equal(invalid.statusCode, 422, 'a body that is not a credential')
      t.equal(invalid.json().code, 'validation_failed')
      t.equal((await call(token, 'GET', '/auth/passkeys')).json().passkeys.length, 1, 'only the one good answer was registered')
    })

    t.test('signing in with a passkey alone: discoverable options, amr hwk, each answer once, user verification required', async (t) => {
      const { token, userId } = await signedIn('sana')
      const key = new SoftPasskey({ origin })
      t.equal((await addPasskey(token, key)).statusCode, 201)
      const options = await loginOptions()
      t.notOk(options.allowCredentials?.length, 'no credentials named: the browser offers what it has')
      t.equal(options.userVerification, 'required')
      const answer = key.assert(options)
      const signedInWithKey = await call(null, 'POST', '/auth/passkeys/login', { credential: answer })
      t.equal(signedInWithKey.statusCode, 200)
      const tokens = signedInWithKey.json()
      t.equal(tokens.user.id, userId)
      t.ok(tokens.refresh_token, 'token mode by default')
      t.same(claims(tokens.access_token).amr, ['hwk'])
      t.equal(claims(tokens.access_token).auth_time, Math.floor(clock.now() / 1000))
      const listed = (await call(token, 'GET', '/auth/passkeys')).json().passkeys
      t.ok(listed[0].last_used_at, 'the use is recorded')

      const replay = await call(null, 'POST', '/auth/passkeys/login', { credential: answer })
      t.equal(replay.statusCode, 401)
      t.equal(replay.json().code, 'passkey_invalid', 'an answer is taken once')
      const cookie = await call(null, 'POST', '/auth/passkeys/login', { credential: key.assert(await loginOptions()), session: 'cookie' })
      t.equal(cookie.statusCode, 200)
      t.match(String(cookie.headers['set-cookie']), /portcullis_refresh=.*HttpOnly/i, 'cookie mode sets the refresh cookie')

      key.userVerified = false
      const unverified = await call(null, 'POST', '/auth/passkeys/login', { credential: key.assert(await loginOptions()) })
      t.equal(unverified.statusCode, 401)
      t.equal(unverified.json().code, 'passkey_not_verified', 'a key that did not verify the user does not sign in alone')
      key.userVerified = true

      const clone = new SoftPasskey({ origin })
      Object.assign(clone, { credentialId: key.credentialId })
      const unknown = await call(null, 'POST', '/auth/passkeys/login', { credential: clone.assert(await loginOptions()) })
      t.equal(unknown.json().code, 'passkey_invalid', 'the right id with another key: the signature does not verify')
      const stranger = await call(null, 'POST', '/auth/passkeys/login', { credential: new SoftPasskey({ origin }).assert(await loginOptions()) })
      t.equal(stranger.json().code, 'passkey_invalid', 'a passkey nobody registered')
      const elsewhere = await call(null, 'POST', '/auth/passkeys/login', { credential: key.assert(await loginOptions(), { origin: 'https://evil.example' }) })
      t.equal(elsewhere.json().code, 'passkey_invalid', 'answered on another origin')
      const wrongHandle = await call(null, 'POST', '/auth/passkeys/login', {
        credential: key.assert(await loginOptions(), { userHandle: Buffer.from('someone-else').toString('base64url') }),
      })
      t.equal(wrongHandle.json().code, 'passkey_invalid', 'a user handle that is not the owner')
      const made = await call(null, 'POST', '/auth/passkeys/login', { credential: key.assert(await loginOptions(), { challenge: 'bWFkZS11cA' }) })
      t.equal(made.json().code, 'passkey_invalid', 'a challenge we never handed out')

      const before = key.counter
      key.counter = 0
      const wentBack = await call(null, 'POST', '/auth/passkeys/login', { credential: key.assert(await loginOptions()) })
      t.equal(wentBack.json().code, 'passkey_invalid', 'a counter that went back is a cloned key')
      key.counter = before + 5
      t.equal((await call(null, 'POST', '/auth/passkeys/login', { credential: key.assert(await loginOptions()) })).statusCode, 200, 'the real key still works')

      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', userId).execute()
      const disabled = await call(null, 'POST', '/auth/passkeys/login', { credential: key.assert(await loginOptions()) })
      t.equal(disabled.statusCode, 403)
      t.equal(disabled.json().code, 'account_disabled')
      const failures = await db.selectFrom('audit_events').select('detail').where('user_id', '=', userId).where('type', '=', 'login_failed').execute()
      t.ok(failures.length >= 5, 'refused answers for a known passkey are audited as failed sign-ins')
    })

    t.test('the second step after the password: the account’s passkeys offered, amr pwd+hwk, another key refused', async (t) => {
      const { token, userId } = await signedIn('teo')
      const key = new SoftPasskey({ origin, userVerified: false })
      t.equal((await addPasskey(token, key)).statusCode, 201)
      const first = await login('teo')
      const body = first.json()
      t.equal(body.mfa_required, true)
      t.same(body.methods, ['passkey', 'recovery_code'])
      t.same(
        body.passkey_options.allowCredentials.map((c: { id: string }) => c.id),
        [key.id],
        "only the account's passkeys are offered",
      )
      const someoneElse = new SoftPasskey({ origin })
      const { token: otherToken } = await signedIn('uma')
      t.equal((await addPasskey(otherToken, someoneElse)).statusCode, 201)
      const foreign = await call(null, 'POST', '/auth/login/mfa', { mfa_token: body.mfa_token, passkey: someoneElse.assert(body.passkey_options) })
      t.equal(foreign.statusCode, 401)
      t.equal(foreign.json().code, 'passkey_invalid', "another account's passkey is not this account's second step")
      const loginChallenge = await call(null, 'POST', '/auth/login/mfa', { mfa_token: body.mfa_token, passkey: key.assert(await loginOptions()) })
      t.equal(loginChallenge.json().code, 'passkey_invalid', 'a challenge handed out for something else')
      const done = await call(null, 'POST', '/auth/login/mfa', { mfa_token: body.mfa_token, passkey: key.assert(body.passkey_options) })
      t.equal(done.statusCode, 200, 'presence is enough after the password; a wrong answer did not spend the challenge')
      const replayed = await call(null, 'POST', '/auth/login/mfa', {
        mfa_token: (await login('teo')).json().mfa_token,
        passkey: key.assert(body.passkey_options),
      })
      t.equal(replayed.json().code, 'passkey_invalid', 'a challenge answered once is spent')
      t.same(claims(done.json().access_token).amr, ['pwd', 'hwk'])
      t.equal(done.json().user.id, userId)
      const ticket = await db.selectFrom('mfa_challenges').select('failures').where('user_id', '=', userId).orderBy('created_at').executeTakeFirstOrThrow()
      t.equal(Number(ticket.failures), 2, 'wrong answers wear the ticket out')

      const setup = (await call(token, 'POST', '/auth/mfa/totp/setup', {})).json() as { secret: string }
      t.equal((await call(token, 'POST', '/auth/mfa/totp/confirm', { code: totpCodeAt(setup.secret, clock.now()) })).statusCode, 200)
      t.same((await login('teo')).json().methods, ['totp', 'passkey', 'recovery_code'], 'both factors offered')
    })

    t.test('renaming and removing: step-up to remove, and the last factor takes the recovery codes with it', async (t) => {
      const { token, userId } = await signedIn('vera')
      const { token: otherToken } = await signedIn('wim')
      const key = new SoftPasskey({ origin })
      const added = (await addPasskey(token, key, 'Phone')).json().passkey as { id: string }
      const renamed = await call(token, 'PATCH', `/auth/passkeys/${added.id}`, { name: '  Old phone ' })
      t.equal(renamed.statusCode, 200)
      t.equal(renamed.json().name, 'Old phone')
      t.equal((await call(token, 'PATCH', `/auth/passkeys/${added.id}`, { name: '' })).statusCode, 422)
      t.equal((await call(otherToken, 'PATCH', `/auth/passkeys/${added.id}`, { name: 'Mine' })).statusCode, 404, "nobody renames another's")
      t.equal((await call(otherToken, 'DELETE', `/auth/passkeys/${added.id}`)).statusCode, 404, "nobody removes another's")

      clock.advance(config.stepUpMaxAge * 1000 + 1000)
      const stale = await call(token, 'DELETE', `/auth/passkeys/${added.id}`)
      t.equal(stale.statusCode, 401)
      t.equal(stale.json().code, 'reauthentication_required')
      t.match(stale.headers['www-authenticate'], /error="insufficient_user_authentication".*max_age=300/)
      const staleOptions = await call(token, 'POST', '/auth/passkeys/register/options', {})
      t.equal(staleOptions.json().code, 'reauthentication_required', 'adding one needs a recent sign-in too')
      t.equal((await call(token, 'GET', '/auth/passkeys')).json().passkeys.length, 1, 'nothing removed')

      const fresh = await call(null, 'POST', '/auth/passkeys/login', { credential: key.assert(await loginOptions()) })
      const freshToken = fresh.json().access_token as string
      t.equal((await call(freshToken, 'DELETE', `/auth/passkeys/${added.id}`)).statusCode, 204)
      t.same((await call(freshToken, 'GET', '/auth/mfa')).json(), { totp: false, passkeys: 0, recovery_codes_left: 0 }, 'no factor, no codes')
      t.ok((await login('vera')).json().access_token, 'the password alone signs in again')
      const types = (await db.selectFrom('audit_events').select('type').where('user_id', '=', userId).execute()).map((e) => e.type)
      t.ok(types.includes('passkey_renamed') && types.includes('passkey_removed') && types.includes('mfa_disabled'))
    })

    t.test('re-authenticating with a passkey alone: a stale session gets a fresh token, amr hwk', async (t) => {
      const { token } = await signedIn('yann')
      const { token: otherToken } = await signedIn('zoe')
      const key = new SoftPasskey({ origin })
      const foreignKey = new SoftPasskey({ origin })
      const added = (await addPasskey(token, key)).json().passkey as { id: string }
      t.equal((await addPasskey(otherToken, foreignKey)).statusCode, 201)
      clock.advance(config.stepUpMaxAge * 1000 + 1000)
      t.equal((await call(token, 'DELETE', `/auth/passkeys/${added.id}`)).json().code, 'reauthentication_required')
      const options = async () =>
        (await call(token, 'POST', '/auth/passkeys/reauthenticate/options', {})).json() as { challenge: string; allowCredentials: Array<{ id: string }> }
      const offered = await options()
      t.same(
        offered.allowCredentials.map((c) => c.id),
        [key.id],
        'only their own passkeys are offered',
      )
      const foreign = await call(token, 'POST', '/auth/reauthenticate', { passkey: foreignKey.assert(offered) })
      t.equal(foreign.json().code, 'passkey_invalid', "another account's passkey does not confirm this one")
      const withPassword = await call(token, 'POST', '/auth/reauthenticate', { password: STRONG_PASSWORD, passkey: key.assert(offered) })
      t.equal(withPassword.statusCode, 422, 'a passkey is sent alone')
      key.userVerified = false
      const unverified = await call(token, 'POST', '/auth/reauthenticate', { passkey: key.assert(await options()) })
      t.equal(unverified.json().code, 'passkey_not_verified', 'alone, it must have verified the user')
      key.userVerified = true
      const done = await call(token, 'POST', '/auth/reauthenticate', { passkey: key.assert(await options()) })
      t.equal(done.statusCode, 200)
      const fresh = done.json().access_token as string
      t.same(claims(fresh).amr, ['hwk'])
      t.equal(claims(fresh).sid, claims(token).sid, 'the same session')
      t.equal((await call(fresh, 'DELETE', `/auth/passkeys/${added.id}`)).statusCode, 204, 'the change now goes through')
    })

    t.test('turning the app off keeps the recovery codes while a passkey is left', async (t) => {
      const { token } = await signedIn('xena')
      t.equal((await addPasskey(token, new SoftPasskey({ origin }))).statusCode, 201)
      const setup = (await call(token, 'POST', '/auth/mfa/totp/setup', {})).json() as { secret: string }
      t.equal((await call(token, 'POST', '/auth/mfa/totp/confirm', { code: totpCodeAt(setup.secret, clock.now()) })).statusCode, 200)
      t.equal((await call(token, 'DELETE', '/auth/mfa/totp', { password: STRONG_PASSWORD })).statusCode, 204)
      t.same((await call(token, 'GET', '/auth/mfa')).json(), { totp: false, passkeys: 1, recovery_codes_left: 10 })
      t.equal((await call(token, 'POST', '/auth/mfa/recovery-codes', {})).statusCode, 200, 'new codes with a passkey alone')
    })
  })
}
