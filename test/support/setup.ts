// The library logs only through an injected logger: any console output from it is a bug.
import { afterEach, vi } from 'vitest'

const methods = ['log', 'info', 'warn', 'error', 'debug'] as const
const calls: string[] = []
for (const m of methods) {
  vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
    calls.push(`console.${m}: ${args.map(String).join(' ')}`)
  })
}
afterEach(() => {
  if (calls.length) {
    const text = calls.splice(0).join('\n')
    throw new Error(`unexpected console output:\n${text}`)
  }
})
