/**
 * Who is calling: the master key (compared in constant time) or the host's own `authorize` hook.
 * @module
 */

import { nodeCrypto } from '../_internal'
import { CostMapError } from '../errors'
import { HttpError } from './respond'

/**
 * What a caller may do: `admin` reloads, schedules and manages models; `viewer` reads status, source and
 * model info.
 *
 * @example
 * ```ts
 * const role: CostMapRole = user.isAdmin ? 'admin' : 'viewer'
 * ```
 */
export type CostMapRole = 'admin' | 'viewer'

/**
 * The host's own authentication (sessions, JWTs, API keys): the role of the caller, or null to refuse.
 *
 * @example
 * ```ts
 * const authorize: Authorize = (req) => (req.headers.get('x-team') === 'ops' ? 'admin' : null)
 * ```
 */
export type Authorize = (request: Request) => CostMapRole | null | undefined | Promise<CostMapRole | null | undefined>

/** @internal Decides the role of each request; built once per handler. */
export interface Authenticator {
  /** The caller's role; throws a 401 {@link HttpError} when nobody is recognised. */
  role(request: Request): Promise<CostMapRole>
}

const UNAUTHENTICATED = { 'www-authenticate': 'Bearer' }

/**
 * @internal Builds the authenticator, refusing a configuration that would leave admin routes open.
 * @throws {CostMapError} `INVALID_ARGUMENT` with neither a master key nor `authorize`
 * @example
 * ```ts
 * const auth = createAuthenticator({ masterKey: 'sk-1234' }, process.env)
 * await auth.role(request) // 'admin'
 * ```
 */
export function createAuthenticator(
  options: { masterKey?: string; authorize?: Authorize },
  env: Record<string, string | undefined>,
): Authenticator {
  const masterKey = options.masterKey || env.LITELLM_MASTER_KEY || undefined
  const authorize = options.authorize
  if (!masterKey && !authorize) {
    throw new CostMapError(
      'INVALID_ARGUMENT',
      '[costmap] refusing to create the admin routes without authentication: pass masterKey (or set LITELLM_MASTER_KEY) or an authorize function',
    )
  }
  if (authorize !== undefined && typeof authorize !== 'function') {
    throw new CostMapError('INVALID_ARGUMENT', '[costmap] authorize must be a function')
  }
  const expected = masterKey === undefined ? undefined : digest(masterKey)
  return {
    async role(request) {
      const token = bearerToken(request.headers)
      if (expected && token !== undefined && nodeCrypto().timingSafeEqual(digest(token), expected)) return 'admin'
      const role = authorize ? await authorize(request) : null
      if (role === 'admin' || role === 'viewer') return role
      throw new HttpError(
        401,
        token === undefined ? 'Authentication required: send Authorization: Bearer <key>' : 'Invalid API key',
        UNAUTHENTICATED,
      )
    },
  }
}

/**
 * @internal LiteLLM's 403 for a non-admin on an admin route.
 * @example
 * ```ts
 * if (role !== 'admin') throw forbidden(role)
 * ```
 */
export function forbidden(role: CostMapRole): HttpError {
  return new HttpError(403, `Access denied. Admin role required. Current role: ${role}`)
}

/** Hashing both sides gives equal-length digests, so a key of the wrong length is a 401, never a RangeError. */
function digest(value: string): Buffer {
  return nodeCrypto().createHash('sha256').update(value).digest()
}

/** The key from `Authorization: Bearer …` or LiteLLM's `x-litellm-api-key` (with or without `Bearer`). */
function bearerToken(headers: Headers): string | undefined {
  for (const name of ['authorization', 'x-litellm-api-key']) {
    const value = headers.get(name)?.trim()
    if (!value) continue
    const match = /^bearer\s+(.+)$/i.exec(value)
    if (match?.[1]) return match[1].trim()
    if (name === 'x-litellm-api-key') return value
  }
  return undefined
}
