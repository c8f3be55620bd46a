// The user row behind a route that ran requireUser (which already checked the session is live and the user active).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { User } from '@portcullis/shared/db/schema'
import { signedInPrincipal } from '../plugins/app/tokens.ts'
import { findUserById } from './queries.ts'

export async function signedInUser(app: FastifyInstance, request: FastifyRequest): Promise<User> {
  const user = await findUserById(app.db, signedInPrincipal(request).userId)
  if (!user) throw new Error('the principal has no user row')
  return user
}
