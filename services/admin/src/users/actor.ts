// The admin who acts on a user, and where their request came from, as the audit log records them.
import type { RequestOrigin } from '@portcullis/shared/request-origin'

export interface Actor extends RequestOrigin {
  userId: string
}
