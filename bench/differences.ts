/**
 * Where a library's price for a mix call differs from costmap's by more than 0.5 %, and why. The LiteLLM
 * map is the reference for the provider's published price; costmap applies it (the floor, an independent
 * user-land formula over the same entries, must agree with costmap on every call; run.ts reports it, and
 * how many calls issue 3's literal input/output-only floor gets wrong).
 * A reason is found by recomputing the call with the map's rates under each known mistake and keeping
 * the one that reproduces the library's number.
 */
import { type Call, type FloorEntry, floorCost, MIX, nativeUsage } from './subjects/mix'

export const THRESHOLD = 0.005
const LIST_PRICE = 'has a different list price'

export interface PriceRow {
  total: number | null
  parts: { input: number; output: number } | null
  error?: string
}

export interface Difference {
  subject: string
  model: string
  usage: string
  costmap: number
  other: number | null
  /** other / costmap. */
  ratio: number | null
  why: string
  detail: string
}

const perMillion = (rate: number | undefined): string => `$${Number(((rate ?? 0) * 1e6).toPrecision(4))}`
const differs = (a: number, b: number): boolean => Math.abs(a - b) > THRESHOLD * Math.abs(b)

/** Prices the call with the map's rates, then with each known mistake; returns the mistake that matches `other`. */
function explain(call: Call, entry: FloorEntry, costmap: number, other: number): { why: string; detail: string } {
  const t = call.tokens
  const input = entry.input_cost_per_token ?? 0
  const output = entry.output_cost_per_token ?? 0
  const noTiers: FloorEntry = { ...entry }
  for (const key of Object.keys(noTiers) as (keyof FloorEntry)[]) if (key.includes('_above_')) delete noTiers[key]
  const tier = t.input > 200_000 && entry.input_cost_per_token_above_200k_tokens !== undefined ? '200k' : '128k'
  const readRate = entry.cache_read_input_token_cost ?? input
  const writeRate = entry.cache_creation_input_token_cost ?? input
  const candidates: [why: string, value: number, detail: string][] = [
    [
      'ignores the whole-request long-context tier',
      floorCost(new Map([[call.model, noTiers]]), call.model, nativeUsage(call)),
      `map: a prompt above ${tier} tokens bills the whole request at ${perMillion(
        entry[`input_cost_per_token_above_${tier}_tokens`],
      )} / ${perMillion(entry[`output_cost_per_token_above_${tier}_tokens`])} per 1M in/out`,
    ],
    [
      'does not bill cache writes',
      costmap - t.cacheWrite * writeRate,
      `map: ${t.cacheWrite} cache-write tokens at ${perMillion(writeRate)} per 1M`,
    ],
    [
      'bills cached prompt tokens at the input rate',
      costmap + t.cacheRead * (input - readRate) + t.cacheWrite * (input - writeRate),
      `map: ${t.cacheRead} cache reads at ${perMillion(readRate)}${t.cacheWrite ? ` and ${t.cacheWrite} cache writes at ${perMillion(writeRate)}` : ''} per 1M, not ${perMillion(input)}`,
    ],
    [
      'bills reasoning on top of the completion',
      costmap + t.reasoning * (entry.output_cost_per_reasoning_token ?? output),
      `${t.reasoning} reasoning tokens are already inside the ${t.output} completion tokens`,
    ],
  ]
  const match = candidates.find(([, value]) => !differs(other, value))
  if (match) return { why: match[0], detail: match[2] }
  // The whole prompt at the input rate, and the cached part billed again on top at the library's own rate.
  const cached = t.cacheRead + t.cacheWrite
  const onTop = other - (t.input * input + t.output * output)
  if (cached > 0 && onTop > 0 && onTop <= cached * input * (1 + THRESHOLD)) {
    return {
      why: 'bills cached prompt tokens twice (as input, then at the cache rate)',
      detail: `all ${t.input} prompt tokens at the input rate, then $${Number(onTop.toPrecision(3))} more for the ${cached} cached ones`,
    }
  }
  return { why: 'computes the call differently', detail: `no single known mistake reproduces $${other}` }
}

/** Every mix call on which `subject` differs from costmap, with the reason. */
export function differences(
  subject: string,
  rows: readonly PriceRow[],
  costmap: readonly PriceRow[],
  map: Readonly<Record<string, FloorEntry>>,
): Difference[] {
  const out: Difference[] = []
  MIX.forEach((call, i) => {
    const c = costmap[i]?.total as number
    const row = rows[i] as PriceRow
    const base = { subject, model: call.model, usage: call.tokens.kind, costmap: c, other: row.total }
    if (row.total === null) {
      const why = row.error ? 'throws' : 'has no price for this name'
      out.push({ ...base, ratio: null, why, detail: row.error ?? 'returns null / undefined' })
      return
    }
    if (!differs(row.total, c)) return
    const entry = map[call.model] as FloorEntry
    const ratio = row.total / c
    // A different price on the plain call means different list prices, whatever else differs.
    const plain = MIX.findIndex((x) => x.model === call.model && x.tokens.kind === 'plain')
    const plainRow = rows[plain] as PriceRow
    if (plainRow.total !== null && differs(plainRow.total, costmap[plain]?.total as number)) {
      const p = plainRow.parts
      const mine = p
        ? `${perMillion(p.input / MIX[plain]!.tokens.input)} / ${perMillion(p.output / MIX[plain]!.tokens.output)}`
        : 'other rates'
      const detail = `${subject}: ${mine}; map: ${perMillion(entry.input_cost_per_token)} / ${perMillion(entry.output_cost_per_token)} per 1M in/out`
      out.push({ ...base, ratio, why: LIST_PRICE, detail })
      return
    }
    out.push({ ...base, ratio, ...explain(call, entry, c, row.total) })
  })
  return out
}

export interface DifferenceGroup {
  subject: string
  why: string
  combos: number
  models: string[]
  usages: string[]
  ratio: { min: number; max: number } | null
  detail: string
}

/** One line per subject and reason: the short table. */
export function groupDifferences(list: readonly Difference[]): DifferenceGroup[] {
  const groups = new Map<string, DifferenceGroup>()
  for (const d of list) {
    // List prices differ per model: one line each. Other reasons: one line for all models.
    const key = `${d.subject}\0${d.why}\0${d.why === LIST_PRICE ? d.model : ''}`
    let g = groups.get(key)
    if (!g) {
      g = { subject: d.subject, why: d.why, combos: 0, models: [], usages: [], ratio: null, detail: d.detail }
      groups.set(key, g)
    }
    g.combos++
    if (!g.models.includes(d.model)) g.models.push(d.model)
    if (!g.usages.includes(d.usage)) g.usages.push(d.usage)
    if (d.ratio !== null) {
      g.ratio = g.ratio
        ? { min: Math.min(g.ratio.min, d.ratio), max: Math.max(g.ratio.max, d.ratio) }
        : { min: d.ratio, max: d.ratio }
    }
  }
  return [...groups.values()]
}
