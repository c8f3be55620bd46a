// Every page and who may see it.
import { lazy } from 'react'
import { Navigate, Route, Routes } from 'react-router'
import { ForgotPasswordPage, LoginPage, ResetPasswordPage, SignupPage, VerifyEmailPage } from '../features/auth/routes/index.ts'
import { ForbiddenPage, NotFoundPage } from './ErrorPages.tsx'
import { RequireAdmin, RequireSignedIn } from './guards.tsx'
import { Shell } from './Shell.tsx'

// The sign-in pages come with the first load; the rest is fetched when first opened, so the first page stays small. The
// pages a mail's link opens come with it too: they take the token out of the address before any other request is made,
// a chunk's download included.
const DashboardPage = lazy(() => import('../features/dashboard/routes/index.ts').then((m) => ({ default: m.DashboardPage })))
const ProfilePage = lazy(() => import('../features/profile/routes/index.ts').then((m) => ({ default: m.ProfilePage })))
const AdminPage = lazy(() => import('../features/admin/routes/index.ts').then((m) => ({ default: m.AdminPage })))
const AuditPage = lazy(() => import('../features/admin/routes/index.ts').then((m) => ({ default: m.AuditPage })))
const AppsPage = lazy(() => import('../features/admin/routes/index.ts').then((m) => ({ default: m.AppsPage })))
// An app's sign-in request (Sign in with Portcullis): public, as the provider sends the browser here; the page itself sends a
// visitor who is not signed in to the login page and back.
const ConsentPage = lazy(() => import('../features/consent/routes/index.ts').then((m) => ({ default: m.ConsentPage })))

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Shell />}>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/signup" element={<SignupPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="/verify-email" element={<VerifyEmailPage />} />
        <Route path="/consent/:uid" element={<ConsentPage />} />
        <Route element={<RequireSignedIn />}>
          <Route index element={<Navigate to="/dashboard" replace />} />
          <Route path="/dashboard" element={<DashboardPage />} />
          <Route path="/profile" element={<ProfilePage />} />
          <Route element={<RequireAdmin />}>
            <Route path="/admin" element={<AdminPage />} />
            <Route path="/admin/audit" element={<AuditPage />} />
            <Route path="/admin/apps" element={<AppsPage />} />
          </Route>
        </Route>
        <Route path="/forbidden" element={<ForbiddenPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
