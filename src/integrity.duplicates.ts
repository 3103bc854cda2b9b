/**
 * The duplicate-key scan of the raw JSON text: JSON.parse keeps the last of two equal keys without a word.
 * @module
 */
import type { IntegrityReport } from './integrity'

/**
 * @internal Finds keys written twice at the top level and inside entries. JSON.parse silently keeps the last
 * one, so a merge mistake upstream would otherwise change a price without a trace. One pass counts
 * the fields of each entry (strings are skipped with indexOf); only an entry whose count disagrees
 * with the parsed object, or whose model key repeats, is read again to name the duplicate.
 */
export function scanDuplicates(
  text: string,
  parsed: Record<string, unknown>,
  report: Pick<IntegrityReport, 'duplicate_keys' | 'duplicate_fields'>,
): void {
  const topKeys = new Set<string>()
  const repeated = new Set<string>()
  walkEntries(
    text,
    (key) => {
      if (topKeys.has(key)) repeated.add(key)
      topKeys.add(key)
    },
    (owner, start, end, fields) => {
      const entry = parsed[owner]
      if (entry && typeof entry === 'object' && Object.keys(entry).length !== fields) {
        for (const f of duplicatesIn(text.slice(start, end))) report.duplicate_fields.push(`${owner}.${f}`)
      }
    },
  )
  if (repeated.size === 0) return
  report.duplicate_keys.push(...repeated)
  // The parsed object of a repeated key is its last copy, so counts said nothing: read each copy.
  report.duplicate_fields = report.duplicate_fields.filter((f) => !repeated.has(f.slice(0, f.lastIndexOf('.'))))
  walkEntries(
    text,
    () => {},
    (owner, start, end) => {
      if (!repeated.has(owner)) return
      for (const f of duplicatesIn(text.slice(start, end))) report.duplicate_fields.push(`${owner}.${f}`)
    },
  )
}

// Character classes for the scan: everything else is skipped with one table load.
const QUOTE = 1
const OPEN = 2
const CLOSE = 3
const COLON = 4
const CLASS = new Uint8Array(128)
CLASS[34] = QUOTE
CLASS[123] = OPEN
CLASS[91] = OPEN
CLASS[125] = CLOSE
CLASS[93] = CLOSE
CLASS[58] = COLON

/** Calls `onKey` for each top-level key and `onEntry` for each top-level object value with its field count. */
function walkEntries(
  text: string,
  onKey: (key: string) => void,
  onEntry: (owner: string, start: number, end: number, fields: number) => void,
): void {
  const n = text.length
  let depth = 0
  let owner = ''
  let entryStart = -1
  let fields = 0
  let pending: string | null = null // last string at depth 1: a key if a ':' follows
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    const kind = c < 128 ? CLASS[c] : 0
    if (kind === 0) continue
    if (kind === QUOTE) {
      const end = stringEnd(text, i)
      if (end < 0) return
      if (depth === 1) pending = text.slice(i + 1, end)
      i = end
    } else if (kind === COLON) {
      // Outside strings, a ':' inside an entry object separates one of its fields from its value.
      if (depth === 2) fields++
      else if (depth === 1 && pending !== null) {
        onKey(pending)
        owner = pending
        pending = null
      }
    } else if (kind === OPEN) {
      depth++
      if (depth === 2 && c === 123) {
        entryStart = i
        fields = 0
      }
    } else {
      if (depth === 2 && c === 125 && entryStart >= 0) {
        onEntry(owner, entryStart, i + 1, fields)
        entryStart = -1
      }
      depth--
    }
  }
}

/** Index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1)
  while (end !== -1) {
    let backslashes = 0
    for (let j = end - 1; text.charCodeAt(j) === 92; j--) backslashes++
    if (backslashes % 2 === 0) return end
    end = text.indexOf('"', end + 1)
  }
  return -1
}

function nextIsColon(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 58) return true
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false
  }
  return false
}

/** The keys written twice directly inside one JSON object's text (slow path, rare). */
function duplicatesIn(objectText: string): string[] {
  const seen = new Set<string>()
  const dups: string[] = []
  let depth = 0
  for (let i = 0; i < objectText.length; i++) {
    const c = objectText.charCodeAt(i)
    if (c === 34) {
      const end = stringEnd(objectText, i)
      if (end < 0) break
      if (depth === 1 && nextIsColon(objectText, end + 1)) {
        const key = objectText.slice(i + 1, end)
        if (seen.has(key)) dups.push(key)
        seen.add(key)
      }
      i = end
    } else if (c === 123 || c === 91) depth++
    else if (c === 125 || c === 93) depth--
  }
  return dups
}
