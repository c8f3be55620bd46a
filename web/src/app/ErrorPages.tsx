// 403 and 404.
import { Link } from 'react-router'
import { PageHeading } from '../components/PageHeading.tsx'

function ErrorPage({ code, title, text }: { code: number; title: string; text: string }) {
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-code" aria-hidden="true">
        {code}
      </p>
      <PageHeading id="error-title" title={[title]}>
        {title}
      </PageHeading>
      <p>{text}</p>
      <Link to="/dashboard">Back to your dashboard</Link>
    </section>
  )
}

export function ForbiddenPage() {
  return <ErrorPage code={403} title="You cannot open this page" text="This page is for administrators only." />
}

export function NotFoundPage() {
  return <ErrorPage code={404} title="Page not found" text="Nothing lives at this address." />
}
