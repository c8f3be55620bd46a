// The browser tab's title for a page: its own name, the section it is in, then the product ("Users · Admin · Portcullis").
import { useEffect } from 'react'

export const PRODUCT_NAME = 'Portcullis'

export function documentTitle(parts: readonly string[]): string {
  return [...parts, PRODUCT_NAME].join(' · ')
}

export function useDocumentTitle(parts: readonly string[]): void {
  const title = documentTitle(parts)
  useEffect(() => {
    document.title = title
  }, [title])
}
