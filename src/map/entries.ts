/**
 * The text of each top-level entry of a cost map, so that a reload can tell which entries are written exactly
 * as in the map it replaces (nearly all of them) and keep their validated objects instead of checking and
 * diffing every entry again.
 * @module
 */

import { duplicatesIn, stringEnd } from './duplicates'

/**
 * @internal The entries of a map's text in order: `texts[i]` runs from the quote that opens `keys[i]` to the
 * quote that opens the next key. Only an entry that was checked to be a key without escapes, a colon, one
 * whole JSON value with no field written twice, and a comma is kept as its text; any other (and the last
 * entry, which has no comma) is kept as `''`, which no text matches.
 */
export interface EntryTexts {
  keys: string[]
  texts: string[]
}

/** @internal What {@link scanEntries} found. */
export interface EntryScan extends EntryTexts {
  /** Keys written exactly as in the previous text. */
  unchanged: Set<string>
  /** Without a parsed object: the parsed value of each entry not in `unchanged` (undefined for those). */
  values?: unknown[]
}

/**
 * @internal The duplicate-key scan of {@link scanDuplicates} entry by entry, reporting the same
 * `duplicate_fields`, plus the text of each entry. An entry written as in `previous` (the active map's
 * scan) is not read again: the same characters, starting where a key starts, are the same key and value,
 * and the next key starts right after them. Entries are expected in the previous order; a key that is not
 * there is looked up. Any other entry is read character by character.
 *
 * Without `parsed`, the other entries are parsed here one by one (`values`), so the text as a whole is
 * valid JSON exactly when this returns: the parts between entries are checked here, and each entry either
 * parsed or written as in a text that parsed.
 *
 * Returns null, with nothing reported, for the rare texts left to the full scan: a key with an escape, an
 * entry that does not parse, more changed entries than it pays to parse one by one, or anything but
 * `{ "key": value, ... }`. A key written twice is caught by the caller (`values`) or here (`parsed`).
 */
export function scanEntries(
  text: string,
  parsed: Record<string, unknown> | undefined,
  previous: EntryTexts | undefined,
  report: { duplicate_fields: string[] },
): EntryScan | null {
  let i = skipBlanks(text, 0)
  if (text.charCodeAt(i) !== 123) return null
  i = skipBlanks(text, i + 1)
  const scan: EntryScan = { keys: [], texts: [], unchanged: new Set(), ...(parsed ? {} : { values: [] }) }
  const duplicates: string[] = []
  const counted = { fields: 0 }
  let misses = 0
  // The parsed entries in text order (unless integer-like keys come first): a lookup by a key sliced from the
  // text would first have to find that string in V8's string table.
  const order = parsed && Object.keys(parsed)
  const values = parsed && order?.map((key) => parsed[key])
  let index: Map<string, number> | undefined
  let next = 0 // the previous entry expected here
  for (; ; i = skipBlanks(text, i)) {
    if (text.charCodeAt(i) !== 34) return null
    const known = previous?.texts[next]
    if (known) {
      // A slice compared with ===, not startsWith: V8 compares two flat strings with memcmp, ten times faster.
      const same = text.slice(i, i + known.length)
      if (same === known) {
        const key = previous?.keys[next] as string
        scan.unchanged.add(key)
        scan.keys.push(key)
        // This text's slice, not `known`: the previous text can then be collected.
        scan.texts.push(same)
        scan.values?.push(undefined)
        i += same.length
        next++
        continue
      }
    }
    const keyEnd = text.indexOf('"', i + 1)
    const key = text.slice(i + 1, keyEnd)
    if (keyEnd < 0 || key.includes('\\') || (!parsed && hasControl(key))) return null
    const colon = skipBlanks(text, keyEnd + 1)
    if (text.charCodeAt(colon) !== 58) return null
    if (previous) {
      // Changed in place (the usual case), else removed entries before it, or a new one.
      if (previous.keys[next] === key) next++
      else {
        index ??= new Map(previous.keys.map((k, at) => [k, at]))
        const at = index.get(key)
        if (at !== undefined) next = at + 1
      }
    }
    const open = skipBlanks(text, colon + 1)
    const end = valueEnd(text, open, counted)
    // Mostly changed entries: one JSON.parse of the whole text is faster than one per entry.
    if (end < 0 || (!parsed && ++misses > 32 + scan.keys.length / 2)) return null
    let entry: unknown
    const own = order?.[scan.keys.length]
    if (parsed) entry = own === key ? values?.[scan.keys.length] : parsed[key]
    else {
      try {
        entry = JSON.parse(text.slice(open, end))
      } catch {
        return null
      }
      scan.values?.push(entry)
    }
    let clean = true
    if (counted.fields >= 0 && typeof entry === 'object' && entry !== null) {
      if (Object.keys(entry).length !== counted.fields) {
        for (const field of duplicatesIn(text.slice(open, end))) duplicates.push(`${key}.${field}`)
        clean = false
      }
    }
    // The parsed object's own string, not a slice that would keep this whole text alive for as long as the
    // entry stays unchanged. (Reading, the caller makes the slice a property key, which V8 copies.)
    scan.keys.push(own === key ? own : key)
    const after = skipBlanks(text, end)
    if (text.charCodeAt(after) === 125) {
      if (skipBlanks(text, after + 1) !== text.length) return null
      scan.texts.push('')
      break
    }
    if (text.charCodeAt(after) !== 44) return null
    const start = i
    i = skipBlanks(text, after + 1)
    scan.texts.push(clean ? text.slice(start, i) : '')
  }
  // A key written twice: the full scan names it (and reads each copy).
  if (order && scan.keys.length !== order.length) return null
  report.duplicate_fields.push(...duplicates)
  return scan
}

/**
 * @internal The top-level object of `text`, read against the active map's entry texts and entries: an entry
 * written as there is the active map's object (or, for a meta key or a dropped entry, parsed from its text),
 * any other is parsed on its own. Null when the text must be parsed as a whole ({@link scanEntries}), or
 * has a model key written twice (then the full scan names it).
 */
export function readEntries(
  text: string,
  previous: EntryTexts,
  active: Readonly<Record<string, unknown>>,
  report: { duplicate_fields: string[] },
): { source: Record<string, unknown>; scan: EntryScan } | null {
  const scan = scanEntries(text, undefined, previous, report)
  if (!scan) return null
  // Null prototype: a `__proto__` key is then an own entry, as JSON.parse makes it (and checkKey drops it).
  const source = Object.create(null) as Record<string, unknown>
  const { keys, texts, values } = scan
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    const value = values?.[i]
    source[key] = value !== undefined ? value : (active[key] ?? parseEntryText(texts[i] as string))
  }
  return Object.keys(source).length === keys.length ? { source, scan } : null
}

/** The value in an entry text (`"key": value,` and blanks). */
function parseEntryText(entryText: string): unknown {
  return JSON.parse(entryText.slice(entryText.indexOf(':', entryText.indexOf('"', 1)) + 1, entryText.lastIndexOf(',')))
}

/** A control character, which JSON does not allow unescaped in a string. */
function hasControl(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) < 32) return true
  return false
}

function skipBlanks(text: string, from: number): number {
  let i = from
  let c = text.charCodeAt(i)
  while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i)
  return i
}

/**
 * The index after the JSON value that starts at `start`, or -1; `counted.fields` is the number of keys
 * written directly in it when it is an object, else -1.
 */
function valueEnd(text: string, start: number, counted: { fields: number }): number {
  const first = text.charCodeAt(start)
  counted.fields = first === 123 ? 0 : -1
  if (first === 34) {
    const end = stringEnd(text, start)
    return end < 0 ? -1 : end + 1
  }
  if (first !== 123 && first !== 91) {
    // A number, true, false or null: up to the next delimiter.
    let i = start
    for (let c = first; i < text.length && c !== 44 && c !== 125 && c !== 93 && c > 32; c = text.charCodeAt(++i));
    return i > start ? i : -1
  }
  let depth = 0
  let fields = 0
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c <= 32) continue // blanks: most of what is read outside strings
    if (c === 34) {
      i = stringEnd(text, i)
      if (i < 0) return -1
    } else if (c === 58) {
      if (depth === 1) fields++
    } else if (c === 123 || c === 91) depth++
    else if (c === 125 || c === 93) {
      if (--depth > 0) continue
      if (first === 123) counted.fields = fields
      return i + 1
    }
  }
  return -1
}
