// The bundled backup is imported as raw text (tsup's and vitest's `text` loader): JSON.parse of a string is
// far faster than evaluating a 1.4 MB object literal, and the text can be parsed lazily.
declare module '*.json' {
  const text: string
  export default text
}
