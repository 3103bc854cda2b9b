/** Keys and auth options shared by the route suite. */
import { createHash } from 'node:crypto'
import type { CostMapHandlerOptions } from '../../src/handler'

export const KEY = 'sk-master-key-1234'
export const VIEWER = 'sk-viewer-5678'
/** Admin by master key; viewer and a second admin through the authorize hook. */
export const AUTH: CostMapHandlerOptions = {
  masterKey: KEY,
  authorize: (req) => {
    const header = req.headers.get('authorization')
    if (header === `Bearer ${VIEWER}`) return 'viewer'
    if (req.headers.get('x-team') === 'ops') return 'admin'
    return null
  },
  env: {},
}
export const admin = { authorization: `Bearer ${KEY}` }
export const viewer = { authorization: `Bearer ${VIEWER}` }

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
