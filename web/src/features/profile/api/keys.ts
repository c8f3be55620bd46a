// Query keys of the profile feature: one factory per resource, so a mutation invalidates exactly what it changed.
export const profileKeys = {
  all: ['profile'] as const,
  detail: () => [...profileKeys.all, 'detail'] as const,
  secondFactor: () => [...profileKeys.all, 'second-factor'] as const,
  passkeys: () => [...profileKeys.all, 'passkeys'] as const,
}
