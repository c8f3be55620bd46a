// The last lines of a start: where the stack answers, where its mail can be read (the local inbox), then the first admin's
// generated password, shown after everything else so that no log line scrolls it away.
import type { RunningStack } from './start-stack.ts'

export function announceReady(publicUrl: string, stack: RunningStack): void {
  console.log(
    `portcullis: ready at ${publicUrl} (API docs at /docs; OpenID Connect at /.well-known/openid-configuration; health and metrics at ${stack.gatewayManagementUrl})`,
  )
  if (stack.inboxUrl) console.log(`portcullis: mail (local inbox): ${stack.inboxUrl} (no SMTP_URL, so mail is kept in DATA_DIR/mail)`)
  if (stack.generatedAdmin) {
    console.log(`portcullis: created admin "${stack.generatedAdmin.username}" with password: ${stack.generatedAdmin.password}`)
    console.log('portcullis: this password is shown once; set ADMIN_PASSWORD to choose your own')
  }
}
