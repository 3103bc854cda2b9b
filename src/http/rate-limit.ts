/**
 * A token bucket for the routes that make the server fetch or re-arm timers (reload, schedule). Cancel is
 * never limited, and an answer that refused the client's input gives its token back.
 * Single-flight already merges concurrent reloads; the bucket stops a loop of sequential ones.
 * @module
 */
import { CostMapError } from '../errors'

/**
 * Rate limit of the reload and schedule routes. `false` turns it off (for example behind a gateway that
 * already limits).
 *
 * @example
 * ```ts
 * createCostMapHandler(costs, { masterKey, rateLimit: { burst: 3, perMinute: 2 } })
 * ```
 */
export interface RateLimitOptions {
  /** Calls allowed at once. @default 5 */
  burst?: number
  /** Calls added back per minute. @default 6 (one every 10 s) */
  perMinute?: number
}

/** @internal The bucket; `now` is injectable for tests. */
export interface TokenBucket {
  /** Takes one call: 0 when allowed, else the seconds to wait (for `Retry-After`). */
  take(): number
  /** Gives back the call just taken (it was refused as a client mistake and did nothing). */
  refund(): void
}

/**
 * @internal A token bucket with the defaults above; `false` gives one that always allows.
 * @example
 * ```ts
 * const bucket = createTokenBucket({ burst: 2, perMinute: 1 })
 * bucket.take() // 0
 * ```
 */
export function createTokenBucket(options: RateLimitOptions | false = {}, now = () => Date.now()): TokenBucket {
  if (options === false) return { take: () => 0, refund: () => undefined }
  const burst = positive(options.burst, 5, 'burst')
  const perMs = positive(options.perMinute, 6, 'perMinute') / 60_000
  let tokens = burst
  let last = now()
  return {
    take() {
      const t = now()
      tokens = Math.min(burst, tokens + (t - last) * perMs)
      last = t
      if (tokens >= 1) {
        tokens -= 1
        return 0
      }
      return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000))
    },
    refund() {
      tokens = Math.min(burst, tokens + 1)
    },
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) {
    throw new CostMapError('INVALID_ARGUMENT', `[costmap] rateLimit.${name} must be a number > 0`)
  }
  return value
}
