/**
 * Text that leaves the process without the secrets a URL can carry.
 * @module
 */

/**
 * @internal Every URL in `text` cut to its origin and path: no userinfo, query or fragment. The one scrub
 * of error, fallback and URL text that leaves the process (routes, health, logs, Redis, webhooks); null
 * stays null.
 * @example
 * ```ts
 * scrubUrls('HTTP 404 from https://u:p@h/x.json?token=s') // 'HTTP 404 from https://h/x.json'
 * ```
 */
export function scrubUrls(text: string): string
export function scrubUrls(text: string | null): string | null
export function scrubUrls(text: string | null): string | null {
  return text === null ? null : text.replace(/\b(https?:\/\/)(?:[^\s/@]*@)?([^\s?#]*)(?:[?#][^\s]*)?/gi, '$1$2')
}
