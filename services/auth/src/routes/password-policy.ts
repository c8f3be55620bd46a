// GET /auth/password-policy: the settings behind the password rules, so that a client checks a new password as the server will.
import type { FastifyInstance } from 'fastify'
import { PasswordPolicyResponse } from '@portcullis/shared/api/auth'
import { passwordPolicy } from '../passwords/policy.ts'

export async function passwordPolicyRoute(app: FastifyInstance): Promise<void> {
  const policy = passwordPolicy(app.authConfig)
  const body: PasswordPolicyResponse = {
    min_length: policy.minLength,
    max_length: policy.maxLength,
    product_name: policy.productName,
    email_verification: app.authConfig.emailVerification,
  }
  app.get(
    '/auth/password-policy',
    { schema: { tags: ['auth'], summary: 'The password rules in force', response: { 200: PasswordPolicyResponse } } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300')
      return body
    },
  )
}
