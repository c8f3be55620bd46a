// Vitest set-up: DOM matchers are not used; each test cleans the DOM it rendered.
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

afterEach(() => cleanup())
