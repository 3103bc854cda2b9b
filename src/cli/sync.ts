/**
 * `costmap sync`, `costmap diff` and `costmap validate`: fetch and check a map, and say what changed.
 * @module
 */

import { CostMapError } from '../errors'
import { resolveLoadOptions } from '../load'
import type { CostMapData, IntegrityReport } from '../map'
import { type CostMapDiff, diffCostMaps } from '../map'
import { type Command, intOption, JSON_OPTION, stringOption, UsageError } from './args'
import { count, decimal, type Output, paint, priceText, printJson, table } from './format'
import { type CheckOverrides, checkMap, fetchMap, type LoadedMap, loadMap, mapLocation, writeAtomic } from './maps'

/** @internal `costmap sync`. */
export const sync: Command = {
  name: 'sync',
  summary: 'Fetch the cost map, validate it, and report new models, removed models and price changes.',
  args: '',
  positionals: [0, 0],
  options: {
    url: {
      type: 'string',
      arg: '<url|file>',
      description: 'the map to fetch (default: env LITELLM_MODEL_COST_MAP_URL, else upstream)',
    },
    against: { type: 'string', arg: '<file>', description: 'compare with this map instead of the bundled backup' },
    out: { type: 'string', arg: '<file>', description: 'write the validated map here (atomically)' },
    json: JSON_OPTION,
  },
  notes:
    'A map that fails validation exits 1 and writes nothing. Thresholds: env MODEL_COST_MAP_MIN_MODEL_COUNT,\nMODEL_COST_MAP_MAX_SHRINK_RATIO; deadline COSTMAP_TIMEOUT_MS.',
  async run({ values, out }) {
    const url = stringOption(values, 'url') ?? resolveLoadOptions(undefined, { env: out.env }).url
    const fetched = await fetchMap(url, out)
    const built = checkMap(fetched, out.env)
    if (!built.report.ok)
      throw new CostMapError('INTEGRITY_FAILED', `${fetched.location} failed validation: ${built.report.reason}`)
    const against = await loadMap(stringOption(values, 'against'), out)
    const after: LoadedMap = { location: fetched.location, sha256: fetched.sha256, built }
    const changes = diffCostMaps(against.built.map, built.map)
    const target = stringOption(values, 'out')
    if (target !== undefined) await writeAtomic(target, fetched.text)
    // The fields of a ReloadResult, so a script reads `costmap sync --json` as it reads the reload route.
    const status = after.sha256 === against.sha256 || !changed(changes) ? 'unchanged' : 'success'
    if (values.json)
      return printJson(out, {
        status,
        ...summary(after),
        against: summary(against),
        ...changes,
        price_changes_truncated: false,
        out: target ?? null,
      })
    out.print(`Fetched ${fetched.location}: ${count(built.report.model_count)} models, sha256 ${fetched.sha256}`)
    if (built.report.dropped.length) out.print(`  ${count(built.report.dropped.length)} invalid entries left out`)
    out.print(`Compared with ${against.location} (${count(against.built.report.model_count)} models)\n`)
    printDiff(out, changes, { before: against.built.map, after: built.map })
    if (target !== undefined) out.print(`\nWrote ${mapLocation(target)}`)
    return 0
  },
}

/** @internal `costmap diff <old> <new>`. */
export const diff: Command = {
  name: 'diff',
  summary: 'What changed between two maps: new models, removed models and price changes (old -> new).',
  args: '<old.json> <new.json>',
  positionals: [2, 2],
  options: { json: JSON_OPTION },
  async run({ values, positionals, out }) {
    const before = await loadMap(positionals[0], out)
    const after = await loadMap(positionals[1], out)
    const changes = diffCostMaps(before.built.map, after.built.map)
    if (values.json) return printJson(out, { old: summary(before), new: summary(after), ...changes })
    printDiff(out, changes, { before: before.built.map, after: after.built.map })
    return 0
  },
}

/** @internal `costmap validate <file|url>`. */
export const validate: Command = {
  name: 'validate',
  summary: 'Check a map as loading does (entries, model count, shrink, duplicates); exit 1 when it is invalid.',
  args: '<file|url>',
  positionals: [1, 1],
  options: {
    against: {
      type: 'string',
      arg: '<file|url>',
      description: 'the map whose model count is the shrink reference (default: the bundled backup)',
    },
    'min-models': { type: 'string', arg: '<n>', description: 'refuse a map with fewer models (default 50)' },
    'max-shrink': {
      type: 'string',
      arg: '<ratio>',
      description: 'refuse a map with fewer than ratio x the reference count, 0 to 1 (default 0.5; 0 = off)',
    },
    json: JSON_OPTION,
  },
  notes: 'Thresholds also from env MODEL_COST_MAP_MIN_MODEL_COUNT, MODEL_COST_MAP_MAX_SHRINK_RATIO (flags win).',
  async run({ values, positionals, out }) {
    const overrides: CheckOverrides = {}
    if (values['min-models'] !== undefined) overrides.minModelCount = intOption(values, 'min-models', 0)
    const shrink = stringOption(values, 'max-shrink')
    if (shrink !== undefined) {
      const ratio = shrink.trim() === '' ? Number.NaN : Number(shrink)
      if (!(ratio >= 0 && ratio <= 1))
        throw new UsageError(`--max-shrink must be a number from 0 to 1, got '${shrink}'`)
      overrides.maxShrinkRatio = ratio
    }
    const againstSpec = stringOption(values, 'against')
    if (againstSpec !== undefined) {
      const against = await loadMap(againstSpec, out)
      overrides.reference = { name: against.location, count: against.built.report.model_count }
    }
    const fetched = await fetchMap(positionals[0] as string, out)
    const { report } = checkMap(fetched, out.env, overrides)
    if (values.json) printJson(out, { location: fetched.location, sha256: fetched.sha256, ...report })
    else printReport(out, fetched.location, fetched.sha256, report)
    if (report.ok) return 0
    out.error(`costmap validate: ${fetched.location} is invalid: ${report.reason}`)
    return 1
  },
}

function summary(map: LoadedMap) {
  return {
    location: map.location,
    sha256: map.sha256,
    model_count: map.built.report.model_count,
    dropped: map.built.report.dropped,
  }
}

/** The two maps a diff compares: where each model's provider is read. */
type Maps = { before: CostMapData; after: CostMapData }

function providerOf(maps: Maps, model: string): string {
  return maps.after[model]?.litellm_provider ?? maps.before[model]?.litellm_provider ?? '(no provider)'
}

/** Items grouped by their provider, providers in alphabetical order, items in their own order within each. */
function byProvider<T>(items: readonly T[], provider: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const p = provider(item)
    const group = groups.get(p)
    if (group) group.push(item)
    else groups.set(p, [item])
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * @internal A price change as a percentage of the old price, e.g. `+12.5%`, `-50%`; `new` or `removed` when
 * a side has no price, `from 0` when the old one was 0.
 * @example
 * ```ts
 * changeText(2e-6, 3e-6) // '+50%'
 * ```
 */
export function changeText(old: number | null, now: number | null): string {
  if (old === null) return 'new'
  if (now === null) return 'removed'
  if (old === 0) return now === 0 ? '0%' : 'from 0'
  const percent = ((now - old) / old) * 100
  const rounded = Math.round(percent * 10) / 10
  // A change too small to show at one decimal still shows its direction.
  if (rounded === 0) return percent > 0 ? '+<0.1%' : percent < 0 ? '-<0.1%' : '0%'
  return `${rounded > 0 ? '+' : '-'}${decimal(Math.abs(rounded), 0)}%`
}

function changed(d: CostMapDiff): boolean {
  return d.new_models.length > 0 || d.removed_models.length > 0 || d.changed_models.length > 0
}

function printDiff(out: Output, d: CostMapDiff, maps: Maps): void {
  if (!changed(d)) {
    out.print('No changes.')
    return
  }
  const section = (title: string, items: string[], mark: string, style: 'green' | 'red') => {
    if (!items.length) return
    out.print(paint(out.color, 'bold', `${title} (${count(items.length)})`))
    for (const [provider, models] of byProvider(items, (m) => providerOf(maps, m))) {
      out.print(`  ${paint(out.color, 'cyan', provider)} (${count(models.length)})`)
      for (const item of models) out.print(`    ${paint(out.color, style, mark)} ${item}`)
    }
  }
  section('New models', d.new_models, '+', 'green')
  section('Removed models', d.removed_models, '-', 'red')
  const models = new Set(d.price_changes.map((c) => c.model)).size
  out.print(paint(out.color, 'bold', `Pricing changes (${count(d.pricing_changes)} fields in ${count(models)} models)`))
  if (d.price_changes.length) {
    const rows: string[][] = [['  model', 'field', 'old', '', 'new', 'change']]
    for (const [provider, changes] of byProvider(d.price_changes, (c) => providerOf(maps, c.model))) {
      const changed = new Set(changes.map((c) => c.model)).size
      rows.push([`  ${provider} (${count(changes.length)} fields in ${count(changed)} models)`, '', '', '', '', ''])
      for (const c of changes) {
        rows.push([
          `    ${c.model}`,
          c.field,
          priceText(c.field, c.old),
          '->',
          priceText(c.field, c.new),
          changeText(c.old, c.new),
        ])
      }
    }
    out.print(table(rows, { right: [2, 5], color: out.color }))
  }
  const other = d.changed_models.length - models
  if (other > 0) out.print(`${count(other)} more models changed in other fields (limits, features, metadata).`)
}

function printReport(out: Output, location: string, sha256: string, r: IntegrityReport): void {
  const head = r.ok ? paint(out.color, 'green', 'valid') : paint(out.color, 'red', 'INVALID')
  out.print(`${head}: ${location}${r.ok ? '' : `: ${r.reason}`}`)
  const rows = [
    ['models', count(r.model_count)],
    ['sha256', sha256],
    ['dropped entries', count(r.dropped.length)],
    ['duplicate keys', r.duplicate_keys.join(', ') || 'none'],
    ['duplicate fields', r.duplicate_fields.join(', ') || 'none'],
    ['case collisions', r.case_collisions.map((g) => g.join(' / ')).join(', ') || 'none'],
    ['suspicious prices', count(r.suspicious_prices.length)],
  ]
  out.print(
    table(
      rows.map(([k, v]) => [`  ${k}`, v as string]),
      { color: false },
    ),
  )
  const shown = r.dropped.slice(0, 20)
  for (const d of shown) out.print(`  ${paint(out.color, 'yellow', 'dropped')} ${d.key}: ${d.reason}`)
  if (r.dropped.length > shown.length)
    out.print(`  … and ${count(r.dropped.length - shown.length)} more (--json lists all)`)
  for (const s of r.suspicious_prices.slice(0, 20))
    out.print(`  ${paint(out.color, 'yellow', 'suspicious')} ${s.key}.${s.field} = ${s.value} per token`)
}
