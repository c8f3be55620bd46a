// Query keys of the dashboard feature: one factory per resource, so a mutation invalidates exactly what it changed.
export const dashboardKeys = {
  all: ['dashboard'] as const,
  overview: () => [...dashboardKeys.all, 'overview'] as const,
}

/** The signed-in user's own sessions (GET /user/sessions); ending one invalidates every list of them. */
export const sessionKeys = {
  all: ['sessions'] as const,
}
