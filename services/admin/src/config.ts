// The settings of the admin service, declared once: what every process reads, the database, the access tokens it verifies by
// auth's JWKS and the session idle lifetime (the settings of every service that holds no keys), and whether admins must use a
// second factor. The README's settings table lists them (docs/operations.md#configuration); a test checks it and
// .env.example against these declarations.
import { type Static, Type } from 'typebox'
import { type Env, readSettings } from '@portcullis/shared/settings/load'
import { type ResourceServiceConfig, ResourceServiceSettings, resourceServiceConfig } from '@portcullis/shared/settings/resource-service'

export const AdminOwnSettings = Type.Object({
  MFA_REQUIRED_FOR_ADMINS: Type.Boolean({
    default: true,
    description: 'an admin without a second factor (an authenticator app or a passkey) is sent to set one up before the admin console answers',
  }),
})

export const AdminSettings = Type.Object({ ...ResourceServiceSettings.properties, ...AdminOwnSettings.properties })

export interface AdminConfig extends ResourceServiceConfig {
  mfaRequiredForAdmins: boolean
}

export function adminConfig(values: Static<typeof AdminSettings>): AdminConfig {
  return { ...resourceServiceConfig(values), mfaRequiredForAdmins: values.MFA_REQUIRED_FOR_ADMINS }
}

/** The admin service's settings from the environment (the process's own, unless given), checked. */
export function loadAdminConfig(env: Env = process.env): AdminConfig {
  return adminConfig(readSettings(AdminSettings, env))
}
