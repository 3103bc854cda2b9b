/**
 * What every measured library provides to the worker. A subject module exports `load(variant)`, which
 * does what a user's process does before its first price (import is the worker's dynamic `import()`).
 */
import type { Call } from './mix.js'

export interface Subject<Args = unknown> {
  /** This library's arguments for a mix call, built outside every timed loop. */
  prepare(call: Call): Args
  /** Total USD, or null when the library has no price for the call. */
  price(args: Args): number | null
  /** Input and output parts in USD as the library reports them (explains price differences). */
  parts?(args: Args): { input: number; output: number } | null
  /** The library's model-info lookup (`getModelInfo` or its nearest equivalent), when it has one. */
  lookup?(model: string): unknown
}

export type LoadSubject = (variant?: string) => Promise<Subject>
