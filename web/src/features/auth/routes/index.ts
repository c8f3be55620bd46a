export { LoginPage } from './LoginPage.tsx'
export { SignupPage } from './SignupPage.tsx'
