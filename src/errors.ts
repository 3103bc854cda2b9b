/**
 * The one error type costmap throws, with stable `code` strings.
 * @module
 */

/**
 * Stable error codes. Treat them as public API: codes are added, never renamed.
 *
 * @example
 * ```ts
 * if (isCostMapError(e) && e.code === 'MODEL_NOT_MAPPED') return undefined
 * ```
 */
export type CostMapErrorCode =
  | 'MODEL_NOT_MAPPED'
  | 'INVALID_USAGE'
  | 'INVALID_ARGUMENT'
  | 'FETCH_FAILED'
  | 'HTTP_STATUS'
  | 'NOT_MODIFIED'
  | 'TIMEOUT'
  | 'BODY_TOO_LARGE'
  | 'INVALID_JSON'
  | 'INTEGRITY_FAILED'
  | 'BACKUP_MISSING'
  | 'INVALID_SCHEDULE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'DISPOSED'
  /** A time before the first map the history recorded (`costs.at(time)`). */
  | 'NO_MAP_AT'

const BRAND = Symbol.for('costmap.CostMapError')

/**
 * Error thrown by every costmap function. `code` says what failed; `cause` keeps the
 * underlying error (a network error, a zod issue list, an HTTP response status…).
 *
 * @example
 * ```ts
 * try {
 *   getModelInfo(map, 'grok-code-fast-1')
 * } catch (e) {
 *   if (isCostMapError(e)) console.log(e.code, e.suggestions) // 'MODEL_NOT_MAPPED' ['xai/grok-code-fast-1', …]
 * }
 * ```
 */
export class CostMapError extends Error {
  override name = 'CostMapError'
  readonly code: CostMapErrorCode
  /** HTTP status of the upstream response, when there was one. */
  readonly status: number | undefined
  /**
   * For `MODEL_NOT_MAPPED`: the closest keys of the map (the same name with a provider prefix, close
   * spellings), best first; empty when nothing is close, and for every other code.
   */
  readonly suggestions: readonly string[]
  readonly [BRAND] = true

  constructor(
    code: CostMapErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; suggestions?: readonly string[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = options?.status
    this.suggestions = Object.freeze([...(options?.suggestions ?? [])])
  }
}

/**
 * True for any `CostMapError`, also across duplicate ESM/CJS copies of the package.
 *
 * @example
 * ```ts
 * catch (e) { if (isCostMapError(e)) log.warn(e.code, e.message) }
 * ```
 */
export function isCostMapError(value: unknown): value is CostMapError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true
}

/** @internal A readable one-line text for any thrown value. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
