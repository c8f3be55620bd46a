// Prints the figures of the last reliability run as one block (`--clear` forgets the previous run's); exits 1 when any are missing or bad.
import { clearFigures, readAllFigures } from './harness/figures.ts'

const EXPECTED = ['fuzz', 'mixed-load', 'drain', 'database-restart', 'refresh-storm']

if (process.argv.includes('--clear')) {
  clearFigures()
} else {
  const figures = readAllFigures()
  const byName = new Map(figures.map((f) => [f.name, f]))
  const rows = EXPECTED.map((name) => byName.get(name))
  const width = Math.max(...EXPECTED.map((name) => name.length))
  const lines = [
    '',
    '== reliability figures',
    `${'test'.padEnd(width)}  ${'requests'.padStart(9)}  ${'faults'.padStart(6)}  ${'errors'.padStart(6)}  ${'data lost'.padStart(9)}`,
  ]
  let [requests, faults, errors, dataLost, missing] = [0, 0, 0, 0, 0]
  EXPECTED.forEach((name, i) => {
    const f = rows[i]
    if (!f) {
      missing++
      lines.push(`${name.padEnd(width)}  ${'no figures: the test did not finish'}`)
      return
    }
    requests += f.requests
    faults += f.faults
    errors += f.errors
    dataLost += f.dataLost
    lines.push(
      `${name.padEnd(width)}  ${String(f.requests).padStart(9)}  ${String(f.faults).padStart(6)}  ${String(f.errors).padStart(6)}  ${String(f.dataLost).padStart(9)}`,
    )
  })
  lines.push(
    `${'total'.padEnd(width)}  ${String(requests).padStart(9)}  ${String(faults).padStart(6)}  ${String(errors).padStart(6)}  ${String(dataLost).padStart(9)}`,
  )
  lines.push(
    `reliability: ${requests} requests sent, ${faults} faults injected, ${errors} errors, ${dataLost} data lost${missing ? `, ${missing} tests without figures` : ''}`,
  )
  console.log(lines.join('\n'))
  if (missing > 0 || errors > 0 || dataLost > 0) process.exitCode = 1
}
