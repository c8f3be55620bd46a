// What a started stack printed, read back by tests: each process's pid and addresses, from the supervisor's "ready" lines.
export interface PrintedProcess {
  pid: number
  url: string
  managementUrl: string | undefined
}

/** `portcullis: auth ready (pid 123) on http://127.0.0.1:4001; health and metrics on http://127.0.0.1:4002`, by name. */
export function printedProcesses(output: string): Record<string, PrintedProcess> {
  const found: Record<string, PrintedProcess> = {}
  for (const match of output.matchAll(/^portcullis: (\S+) ready \(pid (\d+)\) on (\S+?)(?:; health and metrics on (\S+))?$/gm)) {
    const [, name = '', pid, url = '', managementUrl] = match
    found[name] = { pid: Number(pid), url, managementUrl }
  }
  return found
}

export function printedProcess(output: string, name: string): PrintedProcess {
  const found = printedProcesses(output)[name]
  if (!found) throw new Error(`the stack printed no ready line for ${name}:\n${output.slice(-2000)}`)
  return found
}
