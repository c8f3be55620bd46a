// The one way a service gives its routes what they need: a named plugin that decorates the app with a set of values built
// from its options (the settings, the database, the clock...). Each service's plugins/app/context.ts is made by it.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * A plugin named `name` that decorates the app with every member of `build(options)`. The members must be declared on
 * FastifyInstance by the service (`declare module 'fastify'`), so that routes see them typed.
 */
export function contextPlugin<Options, Context extends object>(name: string, build: (options: Options) => Context) {
  return fp<Options & Record<never, never>>(
    async (app: FastifyInstance, options: Options) => {
      for (const [key, value] of Object.entries(build(options))) app.decorate(key, value)
    },
    { name, fastify: '5.x' },
  )
}
