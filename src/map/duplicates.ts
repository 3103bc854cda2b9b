/**
 * The duplicate-key scan of the raw JSON text: JSON.parse keeps the last of two equal keys without a word.
 * @module
 */

/**
 * @internal Finds keys written twice at the top level and inside entries. JSON.parse silently keeps the last
 * one, so a merge mistake upstream would otherwise change a price without a trace. First a count: when
 * the text has no more keys than the parsed tree, nothing was collapsed and there is nothing to name
 * (the common case, a fraction of a full walk). Otherwise one pass counts the fields of each entry
 * (strings are skipped with indexOf); only an entry whose count disagrees with the parsed object, or
 * whose model key repeats, is read again to name the duplicate.
 */
export function scanDuplicates(
  text: string,
  parsed: Record<string, unknown>,
  report: { duplicate_keys: string[]; duplicate_fields: string[] },
): void {
  const bound = textKeyBound(text)
  if (parsedKeys(parsed, bound, text.length) === bound) return
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

/**
 * An upper bound of the keys written in `text`: colons whose previous non-blank character is an unescaped
 * quote. Every key's colon is one (a key is a string, then blanks, then ':'); a colon inside a string
 * preceded by blanks and a quote may be counted too, which only sends the check to the full walk.
 */
function textKeyBound(text: string): number {
  let n = 0
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', colon + 1)) {
    let j = colon - 1
    let c = text.charCodeAt(j)
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(--j)
    if (c !== 34) continue
    let backslashes = 0
    while (text.charCodeAt(j - 1 - backslashes) === 92) backslashes++
    if (backslashes % 2 === 0) n++
  }
  return n
}

/**
 * Own keys of every object in the parsed tree (JSON.parse keeps one of each duplicate); -1 once past
 * `bound` keys or `budget` values, which a tree parsed from the text cannot be (a caller's object with a
 * cycle can). Iterative: any depth.
 */
function parsedKeys(root: unknown, bound: number, budget: number): number {
  let n = 0
  const stack: unknown[] = [root]
  let pushed = 1
  while (stack.length > 0) {
    const value = stack.pop()
    const items = Array.isArray(value) ? value : Object.values(value as object)
    if (!Array.isArray(value)) {
      n += items.length
      if (n > bound) return -1
    }
    for (const item of items) {
      if (typeof item !== 'object' || item === null) continue
      if (++pushed > budget) return -1
      stack.push(item)
    }
  }
  return n
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

/** @internal Index of the quote closing the string that opens at `start`, or -1. */
export function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1)
  // Escaped only after an odd run of backslashes: the run is counted only when there is one.
  while (end !== -1 && text.charCodeAt(end - 1) === 92) {
    let backslashes = 1
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++
    if (backslashes % 2 === 0) return end
    end = text.indexOf('"', end + 1)
  }
  return end
}

function nextIsColon(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 58) return true
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false
  }
  return false
}

/** @internal The keys written twice directly inside one JSON object's text (slow path, rare). */
export function duplicatesIn(objectText: string): string[] {
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
