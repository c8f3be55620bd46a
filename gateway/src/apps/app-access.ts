// Who may call what of an app: its rules in order, the first whose path covers the request's (and whose methods, when it
// names some, include its method) decides; else the app's own access.
import type { AppAccess, AppDefinition } from './apps-file.ts'
import { isUnder } from './apps-file.ts'

export function appAccess(app: Pick<AppDefinition, 'access' | 'rules'>, method: string, path: string): AppAccess {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path
  for (const rule of app.rules) {
    if (isUnder(clean, rule.path) && (rule.methods === undefined || rule.methods.has(method))) return rule.access
  }
  return app.access
}
