// The problems only the admin service answers with. docs/errors.md lists them with every other package's.
import { problemsOf } from '@portcullis/shared/problems/define'

const define = problemsOf('admin')

export const LastAdmin = define(
  'last_admin',
  409,
  'The last active admin cannot be demoted or disabled',
  'The change would leave no active admin: promote another user first.',
)
