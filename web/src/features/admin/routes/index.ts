export { AdminPage } from './AdminPage.tsx'
export { AuditPage } from './AuditPage.tsx'
