/**
 * `costmap sync`, `costmap diff` and `costmap validate`: fetch and check a map, and say what changed.
 * @module
 */

import { CostMapError } from '../errors'
import { resolveLoadOptions } from '../load'
import type { IntegrityReport } from '../map'
import { type CostMapDiff, diffCostMaps } from '../map'
import { type Command, JSON_OPTION, stringOption } from './args'
import { count, type Output, paint, priceText, printJson, table } from './format'
import { checkMap, fetchMap, type LoadedMap, loadMap, mapLocation, writeAtomic } from './maps'

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
    printDiff(out, changes)
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
    printDiff(out, changes)
    return 0
  },
}

/** @internal `costmap validate <file|url>`. */
export const validate: Command = {
  name: 'validate',
  summary: 'Check a map as loading does (entries, model count, shrink, duplicates); exit 1 when it is invalid.',
  args: '<file|url>',
  positionals: [1, 1],
  options: { json: JSON_OPTION },
  notes: 'Thresholds: env MODEL_COST_MAP_MIN_MODEL_COUNT, MODEL_COST_MAP_MAX_SHRINK_RATIO.',
  async run({ values, positionals, out }) {
    const fetched = await fetchMap(positionals[0] as string, out)
    const { report } = checkMap(fetched, out.env)
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

function changed(d: CostMapDiff): boolean {
  return d.new_models.length > 0 || d.removed_models.length > 0 || d.changed_models.length > 0
}

function printDiff(out: Output, d: CostMapDiff): void {
  if (!changed(d)) {
    out.print('No changes.')
    return
  }
  const section = (title: string, items: string[], mark: string, style: 'green' | 'red') => {
    if (!items.length) return
    out.print(paint(out.color, 'bold', `${title} (${count(items.length)})`))
    for (const item of items) out.print(`  ${paint(out.color, style, mark)} ${item}`)
  }
  section('New models', d.new_models, '+', 'green')
  section('Removed models', d.removed_models, '-', 'red')
  const models = new Set(d.price_changes.map((c) => c.model)).size
  out.print(paint(out.color, 'bold', `Pricing changes (${count(d.pricing_changes)} fields in ${count(models)} models)`))
  if (d.price_changes.length) {
    const rows = d.price_changes.map((c) => [
      c.model,
      c.field,
      priceText(c.field, c.old),
      '->',
      priceText(c.field, c.new),
    ])
    out.print(
      table([['  model', 'field', 'old', '', 'new'], ...rows.map(([m, ...r]) => [`  ${m}`, ...r])], {
        right: [2],
        color: out.color,
      }),
    )
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
