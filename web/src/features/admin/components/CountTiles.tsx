// The dashboard counts as tiles.
import type { AdminDashboardResponse } from '@portcullis/shared/api/admin'

export function CountTiles({ counts }: { counts: AdminDashboardResponse['counts'] }) {
  const tiles: Array<[label: string, value: number]> = [
    ['Users', counts.users.total],
    ['Admins', counts.users.by_role.admin],
    ['Active users', counts.users.by_status.active],
    ['Disabled users', counts.users.by_status.disabled],
    ['New in the last 24 hours', counts.new_users.last_24h],
    ['New in the last 7 days', counts.new_users.last_7d],
    ['Active sessions', counts.active_sessions],
    ['Failed sign-ins in the last 24 hours', counts.failed_logins_24h],
  ]
  return (
    <ul className="counts">
      {tiles.map(([label, value]) => (
        <li className="count" key={label}>
          <strong>{value.toLocaleString()}</strong> {label}
        </li>
      ))}
    </ul>
  )
}
