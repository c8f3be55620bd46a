// 403 and 404.
import { useEffect, useRef } from 'react'
import { Link } from 'react-router'

function ErrorPage({ code, title, text }: { code: number; title: string; text: string }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-code" aria-hidden="true">
        {code}
      </p>
      <h1 id="error-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
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
