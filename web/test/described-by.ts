// What a form control's aria-describedby points at: the texts tied to it, and among them Field's error paragraph.

/** The texts an input's aria-describedby points at. */
export function descriptionsOf(control: HTMLElement): string[] {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)
  return ids.map((id) => document.getElementById(id)?.textContent ?? `(missing #${id})`)
}

/** The error text tied to a form control through aria-describedby (Field's error paragraph), if any. */
export function errorOf(control: HTMLElement): string | undefined {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)
  return ids.map((id) => document.getElementById(id)).find((element) => element?.classList.contains('field-error'))?.textContent ?? undefined
}
