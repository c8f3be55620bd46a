// pnpm start hands each process its heap flags from the one table, before whatever NODE_OPTIONS the operator gave (so
// the operator's win: V8 takes a flag's last value).
import t from 'tap'
import { HEAP_SIZES, heapFlags, withHeapFlags } from '../stack/heap-sizes.ts'

t.test('the flags of each process are its row of the table', async (t) => {
  for (const [name, size] of Object.entries(HEAP_SIZES)) {
    t.equal(heapFlags(name as keyof typeof HEAP_SIZES), `--max-semi-space-size=${size.semiSpaceMiB} --max-old-space-size=${size.oldSpaceMiB}`, name)
  }
})

t.test("NODE_OPTIONS: the table's flags, then the operator's", async (t) => {
  t.equal(withHeapFlags('gateway', undefined), heapFlags('gateway'))
  t.equal(withHeapFlags('gateway', '  '), heapFlags('gateway'))
  t.equal(withHeapFlags('auth', '--max-old-space-size=256 --enable-source-maps'), `${heapFlags('auth')} --max-old-space-size=256 --enable-source-maps`)
})
