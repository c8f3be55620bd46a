// Query keys of the dashboard feature: one factory per resource, so a mutation invalidates exactly what it changed.
export const dashboardKeys = {
  all: ['dashboard'] as const,
  overview: () => [...dashboardKeys.all, 'overview'] as const,
  apps: () => [...dashboardKeys.all, 'apps'] as const,
}
