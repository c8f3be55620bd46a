// The linter keeps the web app's layers apart: biome.json's rules run on probe files laid out as in web/src, in a
// directory of their own (nothing is written into the source tree), and must refuse exactly the imports across features.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const biome = path.join(root, 'node_modules/.bin/biome')
const RULE = 'lint/style/noRestrictedImports'

/** Files that must each be refused once, by path under web/src, with the one import they make. */
const refused: Record<string, string> = {
  'features/admin/components/FromAuth.ts': "import { LoginPage } from '../../auth/routes/index.ts'\nexport { LoginPage }\n",
  'features/admin/components/ByName.ts': "import { dashboardKeys } from '../../../features/dashboard/api/keys.ts'\nexport { dashboardKeys }\n",
  'features/profile/api/reexport.ts': "export { dashboardKeys } from '../../dashboard/api/keys.ts'\n",
  'features/profile/routes/lazy.ts': "export const page = () => import('../../admin/routes/index.ts')\n",
  'features/auth/top.ts': "import { ProfilePage } from '../profile/routes/index.ts'\nexport { ProfilePage }\n",
  'features/admin/components/table/Deep.tsx': "import { dashboardQuery } from '../../../dashboard/api/queries.ts'\nexport { dashboardQuery }\n",
  'features/admin/components/OutsideSrc.ts': "import { helper } from '../../../../../services/shared/src/x.ts'\nexport { helper }\n",
  'lib/from-feature.ts': "import { LoginPage } from '../features/auth/routes/index.ts'\nexport { LoginPage }\n",
  'components/FromApp.tsx': "import { App } from '../app/App.tsx'\nexport { App }\n",
}

/** Files whose imports are all allowed: a feature's own files, src/components, src/lib, src/app and packages. */
const allowed: Record<string, string> = {
  'features/admin/components/Allowed.ts': [
    "import { adminKeys } from '../api/keys.ts'",
    "import { UsersTable } from './UsersTable.tsx'",
    "import { apiFetch } from '../../../lib/api-client.ts'",
    "import { Pager } from '../../../components/Pager.tsx'",
    "import { createQueryClient } from '../../../app/query-client.ts'",
    "import type { UserBody } from '@portcullis/shared/api/common'",
    "import { useState } from 'react'",
    'export type { UserBody }',
    'export { adminKeys, UsersTable, apiFetch, Pager, createQueryClient, useState }',
    '',
  ].join('\n'),
  'features/admin/components/table/DeepAllowed.ts':
    "import { adminKeys } from '../../api/keys.ts'\nimport { describeError } from '../../../../lib/problem.ts'\nexport { adminKeys, describeError }\n",
  'features/auth/top-allowed.ts':
    "import { LoginPage } from './routes/index.ts'\nimport { describeError } from '../../lib/problem.ts'\nexport { LoginPage, describeError }\n",
  'lib/session/allowed.ts':
    "import { describeError } from '../problem.ts'\nimport { sessionStore } from './session-store.ts'\nexport { describeError, sessionStore }\n",
}

interface Diagnostic {
  category: string
  location: { path: string }
}

t.test("biome.json refuses an import of another feature's files, and nothing else", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'portcullis-boundaries-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  copyFileSync(path.join(root, 'biome.json'), path.join(dir, 'biome.json'))
  for (const [file, text] of Object.entries({ ...refused, ...allowed })) {
    const at = path.join(dir, 'web/src', file)
    mkdirSync(path.dirname(at), { recursive: true })
    writeFileSync(at, text)
  }

  const run = spawnSync(biome, ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none', '.'], { cwd: dir, encoding: 'utf8' })
  t.not(run.status, 0, 'biome lint fails')
  const report = JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }
  const refusedAt = (file: string) => report.diagnostics.filter((d) => d.category === RULE && d.location.path === `web/src/${file}`).length

  for (const file of Object.keys(refused)) t.equal(refusedAt(file), 1, `refused: ${file}`)
  for (const file of Object.keys(allowed)) t.equal(refusedAt(file), 0, `allowed: ${file}`)
  t.equal(report.diagnostics.filter((d) => d.category === RULE).length, Object.keys(refused).length, 'no other import is refused')
  t.end()
})
