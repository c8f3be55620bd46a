// The application: query cache, session restore on load, cross-tab session sync, the token refreshed before it expires,
// and the routes.
import { QueryClientProvider } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { BrowserRouter } from 'react-router'
import { refreshBeforeExpiry } from '../lib/session/refresh-before-expiry.ts'
import { followOtherTabs, refreshSession } from '../lib/session/session-actions.ts'
import { sessionStore } from '../lib/session/session-store.ts'
import { createQueryClient } from './query-client.ts'
import { AppRoutes } from './AppRoutes.tsx'

export function App() {
  const [queryClient] = useState(createQueryClient)
  useEffect(() => {
    const stopFollowing = followOtherTabs()
    const stopRefreshing = refreshBeforeExpiry()
    // A signed-out session must not show the last user's data to the next one. A restore that finds no session has shown
    // nobody's data: clearing then would cancel what the open page is fetching (such as the password settings) for good.
    let previous = sessionStore.get().status
    const stopClearing = sessionStore.subscribe(() => {
      const { status } = sessionStore.get()
      if (status === 'anonymous' && previous === 'signed-in') queryClient.clear()
      previous = status
    })
    if (sessionStore.get().status === 'restoring') void refreshSession()
    return () => {
      stopFollowing()
      stopRefreshing()
      stopClearing()
    }
  }, [queryClient])
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  )
}
