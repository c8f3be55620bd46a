// The audit log's user filter as a combobox: type the start of a username or email, pick one of the first matches (by
// mouse, or with the arrow keys and Enter); the chosen user shows by name, and Clear removes the filter.
import type { UserBody } from '@portcullis/shared/api/common'
import { useQuery } from '@tanstack/react-query'
import { type KeyboardEvent, useId, useRef, useState } from 'react'
import { userChoicesQuery } from '../api/queries.ts'
import { TYPING_PAUSE_MS } from '../../../components/DebouncedField.tsx'
import { useDebouncedValue } from '../../../lib/use-debounced-value.ts'

export interface UserPickerProps {
  /** The chosen user's id; '' for every user. */
  userId: string
  /** The chosen user's username when the page knows it (from the events shown); the id stands in otherwise. */
  knownName: string | undefined
  onChange: (userId: string) => void
}

type Choice = Pick<UserBody, 'id' | 'username'>

export function UserPicker({ userId, knownName, onChange }: UserPickerProps) {
  const id = useId()
  const input = useRef<HTMLInputElement>(null)
  const [picked, setPicked] = useState<Choice>()
  // What the user is typing; undefined while not searching, when the input shows the chosen user.
  const [text, setText] = useState<string>()
  const [active, setActive] = useState(0)
  const chosenName = !userId ? '' : picked?.id === userId ? picked.username : (knownName ?? userId)
  const searching = text !== undefined
  const prefix = useDebouncedValue(searching ? text.trim() : '', TYPING_PAUSE_MS)
  const choices = useQuery(userChoicesQuery(prefix))
  const options = searching && prefix && !choices.isPlaceholderData ? (choices.data?.users ?? []) : []
  const open = options.length > 0
  const optionId = (index: number) => `${id}-option-${index}`

  function choose(user: Choice): void {
    setPicked(user)
    setText(undefined)
    onChange(user.id)
  }

  function clear(refocus = true): void {
    setPicked(undefined)
    setText(undefined)
    onChange('')
    if (refocus) input.current?.focus()
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>): void {
    if (event.key === 'ArrowDown' && open) {
      event.preventDefault()
      setActive((index) => (index + 1) % options.length)
    } else if (event.key === 'ArrowUp' && open) {
      event.preventDefault()
      setActive((index) => (index - 1 + options.length) % options.length)
    } else if (event.key === 'Enter') {
      event.preventDefault()
      const option = options[active]
      if (open && option) choose(option)
      else if (searching && text.trim() === '') clear()
    } else if (event.key === 'Escape' && searching) {
      event.preventDefault()
      setText(undefined)
    }
  }

  const status =
    !searching || !prefix
      ? ''
      : choices.isFetching && !open
        ? 'Searching…'
        : open
          ? `${options.length} matching ${options.length === 1 ? 'user' : 'users'}`
          : `No user starts with “${prefix}”.`

  return (
    <div className="field user-picker">
      <label htmlFor={`${id}-input`}>User</label>
      <div className="combobox">
        <input
          ref={input}
          id={`${id}-input`}
          type="text"
          role="combobox"
          name="user"
          autoComplete="off"
          spellCheck={false}
          maxLength={254}
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={`${id}-list`}
          aria-activedescendant={open ? optionId(Math.min(active, options.length - 1)) : undefined}
          aria-describedby={`${id}-hint`}
          placeholder="All users"
          value={searching ? text : chosenName}
          onChange={(event) => {
            setText(event.target.value)
            setActive(0)
          }}
          onKeyDown={onKeyDown}
          onBlur={() => {
            // Emptied and left: every user again. Anything else typed but not picked: back to the chosen user.
            if (searching && text.trim() === '' && userId) clear(false)
            else setText(undefined)
          }}
        />
        {userId && (
          <button type="button" onClick={() => clear()}>
            Clear <span className="visually-hidden">the user filter</span>
          </button>
        )}
        <div className="combobox-list" id={`${id}-list`} role="listbox" aria-label="Matching users" hidden={!open}>
          {options.map((user, index) => (
            <div
              key={user.id}
              id={optionId(index)}
              role="option"
              // Focus stays in the input (aria-activedescendant points here); -1 only makes the option focusable by script.
              tabIndex={-1}
              aria-selected={index === active}
              // mousedown, not click: the input keeps focus, so its blur does not close the list first.
              onMouseDown={(event) => {
                event.preventDefault()
                choose(user)
              }}
            >
              {user.username}
              {user.email && <span className="muted subline">{user.email}</span>}
            </div>
          ))}
        </div>
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        Start of a username or email
      </p>
      <p className="visually-hidden" role="status">
        {status}
      </p>
    </div>
  )
}
