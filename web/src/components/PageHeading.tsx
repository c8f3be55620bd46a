// A page's main heading: it names the browser tab, and takes focus when the page opens, so that a screen reader starts
// from the new page's title after a route change (a page that focuses a field instead passes focus={false}).
import { type ReactNode, useEffect, useRef } from 'react'
import { useDocumentTitle } from '../lib/document-title.ts'

export interface PageHeadingProps {
  children: ReactNode
  /** The tab title's parts before the product name, e.g. ['Users', 'Admin']. */
  title: readonly string[]
  id?: string
  focus?: boolean
}

export function PageHeading({ children, title, id, focus = true }: PageHeadingProps) {
  const heading = useRef<HTMLHeadingElement>(null)
  useDocumentTitle(title)
  useEffect(() => {
    if (focus) heading.current?.focus()
  }, [focus])
  return (
    <h1 id={id} ref={heading} tabIndex={-1}>
      {children}
    </h1>
  )
}
