/** Raw HTTP/1.1 over a socket: HTTP clients normalise methods and targets, so odd requests go as bytes. */
import { connect } from 'node:net'

export interface RawAnswer {
  /** null when the server closed the connection without an HTTP answer. */
  status: number | null
  text: string
}

/** Writes `bytes` to a fresh connection and reads until the server closes it (Connection: close). */
export function raw(port: number, bytes: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer within 5 s to ${JSON.stringify(String(bytes).slice(0, 120))}`))
    }, 5_000)
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => undefined) // a reset after the answer: what was read is the answer
    socket.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]
      resolve({ status: status === undefined ? null : Number(status), text })
    })
  })
}

/** A request with `line` as its request line (`METHOD target`), and `Connection: close`. */
export const request = (line: string, headers: Record<string, string> = {}) =>
  `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}Connection: close\r\n\r\n`
