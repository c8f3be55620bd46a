export { AdminPage } from './AdminPage.tsx'
export { AppsPage } from './AppsPage.tsx'
export { AuditPage } from './AuditPage.tsx'
