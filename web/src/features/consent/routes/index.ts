export { ConsentPage } from './ConsentPage.tsx'
