/**
 * Pricing throughput of src/ (bench/run.ts measures the built package against the peers). Two mixes,
 * each priced whole per bench iteration (100 calls), so per-iteration harness overhead does not hide the
 * per-call cost:
 * - the peer mix: peers.md's 20 models x 5 usages (bench/subjects/mix.ts), the one bench/run.ts uses;
 * - the resolution mix: 20 provider-prefixed, regional and alias names x 5 usages (plain, cached,
 *   reasoning, Anthropic cache writes, a 250k prompt with 100k cached), which exercises name resolution.
 * The floor is a plain `Map` of the LiteLLM entries + the user-land formula in bench/subjects/mix.ts
 * (exact keys only). Next to it, issue 3's literal floor: the same `Map`, input/output prices only
 * (`naiveCost`), which misprices cached and long-context calls, so it is shown, not used as the floor.
 * Run: `npx vitest bench --run bench/cost.bench.ts`.
 */
import { bench, describe } from 'vitest'
import { completionCost } from '../src/cost/cost'
import { buildCostMap } from '../src/map/integrity'
import { getModelInfo } from '../src/resolve/resolve'
import { MAIN_MAP, readJson } from '../test/support/data'
import { type AnthropicUsage, floorCost, floorMap, MIX, naiveCost, nativeUsage, type OpenAIUsage } from './subjects/mix'

const map = buildCostMap(readJson(MAIN_MAP)).map
const floor = floorMap(readJson(MAIN_MAP))

const RESOLUTION_MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-5',
  'gpt-5-mini',
  'o3',
  'o4-mini',
  'claude-sonnet-4-5',
  'claude-opus-4-1',
  'claude-3-5-haiku-20241022',
  'gemini/gemini-2.5-pro',
  'gemini/gemini-2.5-flash',
  'gemini-2.0-flash',
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'azure/gpt-4o',
  'deepseek/deepseek-chat',
  'xai/grok-3-mini',
  'mistral/mistral-large-latest',
  'groq/llama-3.3-70b-versatile',
]

const RESOLUTION_USAGES: (AnthropicUsage | OpenAIUsage)[] = [
  { prompt_tokens: 1200, completion_tokens: 350, total_tokens: 1550 },
  { prompt_tokens: 5000, completion_tokens: 800, total_tokens: 5800, prompt_tokens_details: { cached_tokens: 4096 } },
  {
    prompt_tokens: 900,
    completion_tokens: 2400,
    total_tokens: 3300,
    completion_tokens_details: { reasoning_tokens: 1800 },
  },
  { input_tokens: 300, output_tokens: 500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 12000 },
  {
    prompt_tokens: 250_000,
    completion_tokens: 1200,
    total_tokens: 251_200,
    prompt_tokens_details: { cached_tokens: 100_000 },
  },
]

interface Priced {
  model: string
  usage: AnthropicUsage | OpenAIUsage
}
const MIXES: Record<string, Priced[]> = {
  'peer mix': MIX.map((call) => ({ model: call.model, usage: nativeUsage(call) })),
  'resolution mix': RESOLUTION_MODELS.flatMap((model) => RESOLUTION_USAGES.map((usage) => ({ model, usage }))),
}

let sink = 0
const runCompletionCost = (calls: Priced[]) => (): void => {
  for (let i = 0; i < calls.length; i++) sink += completionCost(map, calls[i] as Priced).totalCost
}
const runFloor = (calls: Priced[]) => (): void => {
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i] as Priced
    sink += floorCost(floor, c.model, c.usage)
  }
}
// Its own loop: a shared loop taking the formula as a parameter would make that call site polymorphic.
const runNaive = (calls: Priced[]) => (): void => {
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i] as Priced
    sink += naiveCost(floor, c.model, c.usage)
  }
}
const runGetModelInfo = (calls: Priced[]) => (): void => {
  for (let i = 0; i < calls.length; i++) sink += getModelInfo(map, (calls[i] as Priced).model).key.length
}

for (const [name, calls] of Object.entries(MIXES)) {
  describe(`${name} (${calls.length} calls per iteration)`, () => {
    bench('completionCost', runCompletionCost(calls))
    bench('getModelInfo', runGetModelInfo(calls))
    bench('floor: Map + user-land formula', runFloor(calls))
    bench("floor, input/output only (issue 3's literal floor)", runNaive(calls))
  })
}

/** Same-run ratios, measured directly so they can be printed (vitest's table has no ratio column). */
function ratios(): void {
  const rate = (fn: () => void, calls: number): number => {
    for (let i = 0; i < 2000; i++) fn()
    const start = performance.now()
    let n = 0
    while (performance.now() - start < 1000) {
      for (let i = 0; i < 100; i++) fn()
      n += 100
    }
    return (n * calls) / ((performance.now() - start) / 1000)
  }
  const fmt = (n: number): string => `${(n / 1e6).toFixed(2)}M calls/s`
  let report = '\n'
  for (const [name, calls] of Object.entries(MIXES)) {
    const cc = rate(runCompletionCost(calls), calls.length)
    const info = rate(runGetModelInfo(calls), calls.length)
    const base = rate(runFloor(calls), calls.length)
    const naive = rate(runNaive(calls), calls.length)
    report +=
      `${name}: completionCost ${fmt(cc)} | getModelInfo ${fmt(info)} | floor ${fmt(base)} | input/output-only floor ${fmt(naive)}\n` +
      `${name}: completionCost / floor = ${(cc / base).toFixed(3)} | getModelInfo / floor = ${(info / base).toFixed(3)} | completionCost / input/output-only floor = ${(cc / naive).toFixed(3)}\n`
  }
  // stderr: the test setup silences console.* and vitest does not forward a bench's stdout.
  process.stderr.write(`${report}(checksum ${sink > 0})\n\n`)
}
ratios()
