/**
 * The safety check of `fallback_generalizations` patterns. They come from a fetched file and are matched
 * against caller-supplied model names, so a pattern with catastrophic backtracking (`^(a+)+$`) would stall
 * the event loop on every unknown name.
 *
 * Decision: JavaScript has no linear-time regex engine without a native module (`re2`), and the shipped
 * rules need regex features (classes, alternation, `(?!\d)`), so each pattern is checked on load and
 * refused unless its backtracking is provably small:
 * - no backreferences, no quantifier inside a lookaround;
 * - star height 1: a repeated group (`*`, `+`, `{n,m}` with m > 1) holds no repetition and no alternation;
 * - at most {@link MAX_AMBIGUOUS} ambiguous repetition: one whose characters could also start what follows
 *   it (`\d+\d+`, `.*x`; `[a-z]+-` is not ambiguous). k of them cost O(n^(k+2)) steps on an n-character
 *   name, so one costs at most O(n^3);
 * - at most {@link MAX_ALTERNATIVES} `|`, {@link MAX_PATTERN_LENGTH} characters, counts up to 100, and
 *   {@link MAX_RULES} rules.
 * Names tested against rules are capped at {@link MAX_RULE_NAME} characters: the worst accepted pattern
 * (`\d+\d+x` on 128 digits) takes about 1 ms, against seconds for `^(a+)+$` on 30 characters, and each
 * name is resolved once (memoised). Every rule in LiteLLM's maps (current and history) passes.
 * @module
 */

/** @internal Longest pattern accepted (LiteLLM's longest is about 110 characters). */
export const MAX_PATTERN_LENGTH = 256
/** @internal Most `|` in one pattern: alternatives in sequence multiply the paths to try. */
export const MAX_ALTERNATIVES = 16
/** @internal Most ambiguous repetitions in one pattern (LiteLLM's rules have none). */
export const MAX_AMBIGUOUS = 1
/** @internal Most rules kept from one map (LiteLLM ships 7). */
export const MAX_RULES = 32
/**
 * @internal Longest model name tested against rules (LiteLLM's longest key is 76 characters): a longer
 * name matches no rule.
 */
export const MAX_RULE_NAME = 128
const MAX_COUNT = 100

/** One token of a pattern: a one-character matcher, a group edge, `|`, an anchor or a quantifier. */
type Token =
  | { t: 'char'; src: string }
  | { t: 'open'; look: boolean; close: number }
  | { t: 'close'; open: number }
  | { t: 'alt'; open: number }
  | { t: 'anchor' }
  | { t: 'quant'; min: number; max: number }

/**
 * @internal Compiles a rule pattern (case-insensitive, like LiteLLM's `re.search`) when it passes the checks
 * above; otherwise returns why not.
 * @example
 * ```ts
 * compileRulePattern('^claude-[a-z]+-\\d+$') // /^claude-[a-z]+-\d+$/i
 * compileRulePattern('^(a+)+$') // 'unsafe pattern (nested repetition ...)'
 * ```
 */
export function compileRulePattern(pattern: string): RegExp | string {
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern longer than ${MAX_PATTERN_LENGTH} characters`
  let regex: RegExp
  try {
    regex = new RegExp(pattern, 'i')
  } catch (error) {
    return `bad pattern: ${(error as Error).message}`
  }
  const tokens = tokenize(pattern)
  const problem = typeof tokens === 'string' ? tokens : backtrackingProblem(tokens)
  return problem === null ? regex : `unsafe pattern (${problem})`
}

/** The tokens of `p` (a valid regex), or what makes it unsafe on its own (a backreference, a big count). */
function tokenize(p: string): Token[] | string {
  const tokens: Token[] = []
  const open: number[] = [-1]
  let alternatives = 0
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string
    const quantifier = readQuantifier(p, i)
    if (quantifier !== null) {
      const [min, max, end] = quantifier
      if (max > MAX_COUNT && max !== Number.POSITIVE_INFINITY) return `count above ${MAX_COUNT}`
      tokens.push({ t: 'quant', min, max })
      i = end - 1
    } else if (c === '\\') {
      const next = p[i + 1] ?? ''
      if (/[1-9]/.test(next) || next === 'k') return 'backreference'
      const end = escapeEnd(p, i)
      tokens.push(/[bB]/.test(next) ? { t: 'anchor' } : { t: 'char', src: p.slice(i, end) })
      i = end - 1
    } else if (c === '[') {
      const end = classEnd(p, i)
      tokens.push({ t: 'char', src: p.slice(i, end) })
      i = end - 1
    } else if (c === '(') {
      // `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`: the head is skipped so it is not read as atoms.
      let head = 0
      let look = false
      if (p[i + 1] === '?') {
        const kind = p.slice(i + 2, i + 4)
        look = kind[0] === '=' || kind[0] === '!' || kind === '<=' || kind === '<!'
        head = kind === '<=' || kind === '<!' ? 3 : kind[0] === '<' ? p.indexOf('>', i) - i : 2
      }
      open.push(tokens.length)
      tokens.push({ t: 'open', look, close: -1 })
      i += head
    } else if (c === ')') {
      const at = open.pop() as number
      ;(tokens[at] as { close: number }).close = tokens.length
      tokens.push({ t: 'close', open: at })
    } else if (c === '|') {
      if (++alternatives > MAX_ALTERNATIVES) return `more than ${MAX_ALTERNATIVES} alternatives`
      tokens.push({ t: 'alt', open: open[open.length - 1] as number })
    } else if (c === '^' || c === '$') tokens.push({ t: 'anchor' })
    else tokens.push({ t: 'char', src: c })
  }
  return tokens
}

/**
 * The first construct that could backtrack without bound, or null. Star height: a repeated group holds no
 * repetition and no alternation. Ambiguity: a repetition (more than 8 choices) is ambiguous when a
 * character it matches could also start what follows it (`\d+\d+`, `.*x`); `[a-z]+-` is not.
 */
function backtrackingProblem(tokens: Token[]): string | null {
  let ambiguous = 0
  for (let j = 0; j < tokens.length; j++) {
    const q = tokens[j] as Token
    if (q.t !== 'quant') continue
    const atom = tokens[j - 1] as Token
    const group = atom.t === 'close' ? (tokens[atom.open] as Token & { t: 'open' }) : undefined
    if (insideLookaround(tokens, j)) return 'repetition inside a lookaround'
    if (q.max <= 1) continue
    if (atom.t === 'close') {
      const inner = tokens.slice(atom.open + 1, j - 1)
      if (inner.some((t) => t.t === 'alt' || (t.t === 'quant' && t.max > 1)))
        return 'nested repetition or repeated alternation'
    }
    if (q.max - q.min <= 8) continue
    const own = atom.t === 'char' && group === undefined ? atom.src : null
    if (own === null || [...follow(tokens, j + 1, 0)].some((next) => overlaps(own, next))) ambiguous++
  }
  return ambiguous > MAX_AMBIGUOUS ? `${ambiguous} ambiguous repetitions, at most ${MAX_AMBIGUOUS}` : null
}

function insideLookaround(tokens: Token[], at: number): boolean {
  let depth = 0
  for (let i = at - 1; i >= 0; i--) {
    const t = tokens[i] as Token
    if (t.t === 'close') depth++
    else if (t.t === 'open') {
      if (depth > 0) depth--
      else if (t.look) return true
    }
  }
  return false
}

/**
 * The one-character matchers that can come first from token `k` on; `'.'` (anything) when that is
 * unclear (a repeated group, a lookaround, deep recursion).
 */
function follow(tokens: Token[], k: number, depth: number): Set<string> {
  const out = new Set<string>()
  if (depth > 8) return new Set(['.'])
  for (let i = k; i < tokens.length; ) {
    const t = tokens[i] as Token
    const next = tokens[i + 1]
    const optional = next?.t === 'quant' && next.min === 0
    if (t.t === 'char') {
      out.add(t.src)
      if (!optional) return out
      i += 2
    } else if (t.t === 'anchor') i++
    else if (t.t === 'quant') i++
    else if (t.t === 'alt') i = (tokens[t.open] as { close: number }).close ?? tokens.length
    else if (t.t === 'close') {
      const after = tokens[i + 1]
      // The end of a repeated group can loop back into it: unclear.
      if (after?.t === 'quant' && after.max > 1) return new Set(['.'])
      i = after?.t === 'quant' ? i + 2 : i + 1
      if (t.open < 0) return out
    } else {
      const close = t.close
      const after = tokens[close + 1]
      if (t.look || (after?.t === 'quant' && after.max > 1)) return new Set(['.'])
      for (const alt of alternativesOf(tokens, i)) for (const m of follow(tokens, alt, depth + 1)) out.add(m)
      if (!(after?.t === 'quant' && after.min === 0) && !canBeEmpty(tokens, i)) return out
      i = after?.t === 'quant' ? close + 2 : close + 1
    }
  }
  return out
}

/** The first token of each alternative of the group opened at `open`, each read up to the group's end. */
function alternativesOf(tokens: Token[], open: number): number[] {
  const starts = [open + 1]
  const close = (tokens[open] as { close: number }).close
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i] as Token
    if (t.t === 'alt' && t.open === open) starts.push(i + 1)
  }
  return starts
}

/** Conservative: a group is taken as never empty only when each alternative starts with a mandatory char. */
function canBeEmpty(tokens: Token[], open: number): boolean {
  return alternativesOf(tokens, open).some((start) => {
    const t = tokens[start] as Token
    const after = tokens[start + 1]
    return t.t !== 'char' || (after?.t === 'quant' && after.min === 0)
  })
}

// Built on first use: most maps have no rules, and start-up should not pay for them.
let probes: string[] | undefined
const WIDE = /^(?:\.|\[\^|\\[DWSpP])/

/** Whether two one-character matchers can match the same character (case-insensitively). */
function overlaps(a: string, b: string): boolean {
  // A negated class, `.` or a property escape reaches beyond the probed characters.
  if (WIDE.test(a) || WIDE.test(b)) return true
  try {
    const ra = new RegExp(`^(?:${a})$`, 'i')
    const rb = new RegExp(`^(?:${b})$`, 'i')
    probes ??= Array.from({ length: 0x250 }, (_, i) => String.fromCharCode(i))
    return probes.some((ch) => ra.test(ch) && rb.test(ch))
  } catch {
    return true
  }
}

/** `[min, max, end]` of a quantifier at `i` (a lazy `?` included), or null. */
function readQuantifier(p: string, i: number): [number, number, number] | null {
  const c = p[i]
  let result: [number, number, number] | null = null
  if (c === '*') result = [0, Number.POSITIVE_INFINITY, i + 1]
  else if (c === '+') result = [1, Number.POSITIVE_INFINITY, i + 1]
  else if (c === '?') result = [0, 1, i + 1]
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i, i + 24))
    if (m === null) return null
    const min = Number(m[1])
    const max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3])
    result = [min, max, i + m[0].length]
  }
  if (result !== null && p[result[2]] === '?') result[2]++
  return result
}

function escapeEnd(p: string, i: number): number {
  const next = p[i + 1]
  if (next === 'x') return i + 4
  if (next === 'u') return p[i + 2] === '{' ? p.indexOf('}', i) + 1 : i + 6
  if (next === 'c') return i + 3
  if (next === 'p' || next === 'P') return p[i + 2] === '{' ? p.indexOf('}', i) + 1 : i + 2
  return i + 2
}

function classEnd(p: string, i: number): number {
  let j = i + 1
  if (p[j] === '^') j++
  if (p[j] === ']') j++
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++
    else if (p[j] === ']') return j + 1
  }
  return p.length
}
