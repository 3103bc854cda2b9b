/**
 * What the CLI prints for people: aligned tables, prices per 1M tokens as they are quoted, and colour
 * only on a terminal (never when `NO_COLOR` is set, https://no-color.org).
 * @module
 */

/**
 * @internal Where a command writes. `color` is decided once per stream.
 * @example
 * ```ts
 * const out = createOutput(process.env)
 * out.print(paint(out.color, 'green', 'ok'))
 * ```
 */
export interface Output {
  color: boolean
  /** Colour on stderr (it may be a terminal when stdout is piped). */
  errorColor: boolean
  /** stderr is a terminal: progress lines are allowed. */
  interactive: boolean
  env: Record<string, string | undefined>
  print(text: string): void
  error(text: string): void
}

/**
 * @internal The process's streams.
 * @example
 * ```ts
 * createOutput(process.env).print('hello')
 * ```
 */
export function createOutput(env: Record<string, string | undefined>): Output {
  const allowed = !env.NO_COLOR
  return {
    color: allowed && process.stdout.isTTY === true,
    errorColor: allowed && process.stderr.isTTY === true,
    interactive: process.stderr.isTTY === true,
    env,
    print: (text) => process.stdout.write(`${text}\n`),
    error: (text) => process.stderr.write(`${text}\n`),
  }
}

/**
 * @internal `value` as indented JSON on stdout; returns exit code 0.
 * @example
 * ```ts
 * if (values.json) return printJson(out, result)
 * ```
 */
export function printJson(out: Output, value: unknown): number {
  out.print(JSON.stringify(value, null, 2))
  return 0
}

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const
/** @internal */
export type Style = keyof typeof CODES

/**
 * @internal `text` in `style` when `on`.
 * @example
 * ```ts
 * paint(out.color, 'red', 'removed')
 * ```
 */
export function paint(on: boolean, style: Style, text: string): string {
  return on ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: measuring text without its colour codes
const ANSI = /\x1b\[[0-9;]*m/g
const width = (text: string) => text.replace(ANSI, '').length

/**
 * @internal Rows as aligned columns (two spaces apart); columns listed in `right` are right-aligned.
 * The first row is the header, printed bold when `color`.
 * @example
 * ```ts
 * table([['model', 'input'], ['gpt-4o', '$2.50']], { right: [1], color: false })
 * ```
 */
export function table(rows: string[][], options: { right?: number[]; color: boolean }): string {
  const widths: number[] = []
  for (const row of rows) for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, width(cell))
  const right = new Set(options.right ?? [])
  const lines = rows.map((row, r) => {
    const cells = row.map((cell, i) => {
      const pad = ' '.repeat((widths[i] ?? 0) - width(cell))
      if (right.has(i)) return pad + cell
      return i === row.length - 1 ? cell : cell + pad
    })
    const line = cells.join('  ')
    return r === 0 ? paint(options.color, 'bold', line) : line
  })
  return lines.join('\n')
}

/**
 * @internal A number as plain decimal text: at most 10 significant digits (no float noise such as
 * 2.4999999999999996), never an exponent, thousands grouped, at least `minFraction` decimals.
 * @example
 * ```ts
 * decimal(2.5e-6 * 1e6) // '2.50'
 * decimal(1.25e-7, 0)   // '0.000000125'
 * ```
 */
export function decimal(n: number, minFraction = 2): string {
  if (!Number.isFinite(n)) return String(n)
  const [mantissa = '0', exp = '0'] = Math.abs(n).toExponential(9).split('e')
  const digits = mantissa.replace('.', '')
  const point = Number(exp) + 1
  let int: string
  let frac: string
  if (point <= 0) {
    int = '0'
    frac = '0'.repeat(-point) + digits
  } else {
    int = digits.slice(0, point).padEnd(point, '0')
    frac = digits.slice(point)
  }
  frac = frac.replace(/0+$/, '').padEnd(minFraction, '0')
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${n < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`
}

/**
 * @internal US dollars, e.g. `$0.0045` or `-$0.10` (a discount).
 * @example
 * ```ts
 * usd(0.0045) // '$0.0045'
 * ```
 */
export function usd(n: number): string {
  return n < 0 ? `-$${decimal(-n)}` : `$${decimal(n)}`
}

/**
 * @internal Dollar amounts for one table column, each with its own precision (no `$1.800000` because another
 * row needs six decimals), padded with spaces after the digits so that, right-aligned, the points line up.
 * @example
 * ```ts
 * usdColumn([1.8, 0.0000075]) // ['$1.80     ', '$0.0000075']
 * ```
 */
export function usdColumn(values: number[]): string[] {
  const texts = values.map(usd)
  const fraction = (t: string) => t.length - t.indexOf('.') - 1
  const decimals = Math.max(...texts.map(fraction))
  return texts.map((t) => t + ' '.repeat(decimals - fraction(t)))
}

/**
 * @internal A per-token price as people quote it: dollars per million tokens.
 * @example
 * ```ts
 * perMillion(2.5e-6) // '$2.50'
 * ```
 */
export function perMillion(rate: number): string {
  return usd(rate * 1e6)
}

/**
 * @internal A whole count with thousands grouped.
 * @example
 * ```ts
 * count(2668) // '2,668'
 * ```
 */
export function count(n: number): string {
  return decimal(n, 0)
}

/** `input_cost_per_token`, `output_cost_per_reasoning_token`, `cache_read_input_token_cost`… */
const PER_TOKEN = /per_(?:[a-z]+_)?token|_token_cost/

/**
 * @internal A price field's value for people: per 1M tokens for per-token fields, dollars per unit otherwise.
 * @example
 * ```ts
 * priceText('input_cost_per_token', 2.5e-6) // '$2.50 / 1M tokens'
 * ```
 */
export function priceText(field: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '-'
  return PER_TOKEN.test(field) ? `${perMillion(value)} / 1M tokens` : usd(value)
}
