/**
 * Random cost-map texts for the property tests that hold each fast path of src/map equal to the full zod
 * validation: entries mixing valid and invalid fields, numeric strings, nested values, prototype keys,
 * fields and keys written twice, and fallback rules good and bad. Everything is generated as JSON text, so a
 * `__proto__` key is an own key as JSON.parse makes it (a JS object literal would set the prototype).
 */
import fc from 'fast-check'

const json = (value: unknown) => JSON.stringify(value)
const text = (...values: string[]) => fc.constantFrom(...values)

/** A price as LiteLLM writes it (some above the default 0.01 ceiling), or as a bad file does. */
export const priceText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(0, 1e-6, 2.5e-6, 3e-7, 0.02, 15, 1e-12).map(json) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(json) },
  text('"2e-6"', '" 3e-7 "', '"1e-6"', '"x"', '""', '"Infinity"', 'null', 'true', '-1', '1e999', '[1]', '{"a": 1e-6}'),
)

/** A token limit: whole, written as a float, as a string, or not a limit. */
const limitText = fc.oneof(
  { weight: 4, arbitrary: text('4096', '128000', '0', '256000.0') },
  text('"128000"', '"128k"', '1.5', '-1', '1e20', 'null', '"x"', 'false'),
)

/** Nested JSON: any shape, plus the limits and prototype keys that must be refused. */
const nestedText = fc.oneof(
  { weight: 6, arbitrary: fc.json({ maxDepth: 3 }) },
  text(
    '{"__proto__": {"x": 1}}',
    '{"a": {"constructor": 1}}',
    '[{"prototype": []}]',
    `${'['.repeat(9)}1${']'.repeat(9)}`,
    json('x'.repeat(4097)),
    json({ "a'b": 'c"d', 'e:f': '{"g": [1,' }),
  ),
)

const tierText = fc
  .array(
    fc.oneof(
      fc.tuple(text('range', 'max_results_range'), text('[0, 1000]', '[1000, 1e9]', '[0]', '"x"', '[0, "1"]', 'null')),
      fc.tuple(text('input_cost_per_token', 'output_cost_per_token', 'input_cost_per_query'), priceText),
      fc.tuple(text('note', '__proto__'), nestedText),
    ),
    { maxLength: 4 },
  )
  .map(object)

/** The fields of an entry (or of a rule's `model_info`) and what each may hold. */
const field: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(text('mode'), text('"chat"', '"embedding"', 'null', '1')) },
  { weight: 2, arbitrary: fc.tuple(text('max_tokens', 'max_input_tokens', 'max_output_tokens'), limitText) },
  {
    weight: 8,
    arbitrary: fc.tuple(
      text(
        'input_cost_per_token',
        'output_cost_per_token',
        'cache_read_input_token_cost',
        'input_cost_per_image',
        'output_cost_per_token_above_200k_tokens',
        'input_cost_per_token_priority',
        'ocr_cost',
      ),
      priceText,
    ),
  },
  fc.tuple(
    text('tiered_pricing'),
    fc.oneof({ weight: 3, arbitrary: fc.array(tierText, { maxLength: 3 }).map(list) }, tierText),
  ),
  fc.tuple(
    text('search_context_cost_per_query'),
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.array(fc.tuple(text('search_context_size_low', 'high'), priceText), { maxLength: 3 }).map(object),
      },
      priceText,
    ),
  ),
  fc.tuple(text('provider_specific_entry'), fc.oneof(nestedText, text('{"fast": 1.5}', '[1]'))),
  fc.tuple(text('aliases'), text('["gpt-4o-alias"]', '["a"]', '[""]', '"x"', '[]', '[1]', '["gpt-4o"]')),
  fc.tuple(text('supports_vision', 'supports_function_calling'), text('true', 'false', '"yes"', 'null')),
  { weight: 2, arbitrary: fc.tuple(text('metadata', 'supported_endpoints', 'deprecation_date', 'costly'), nestedText) },
  fc.tuple(text('__proto__', 'constructor'), nestedText),
)

const providerText = fc.oneof({ weight: 12, arbitrary: text('"openai"', '"anthropic"') }, text('""', '5', 'null'))

/** One model entry's JSON: usually an object with a provider first, its fields sometimes written twice. */
export const entryText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(fc.option(providerText, { freq: 8 }), fc.array(field, { maxLength: 7 }))
      .map(([provider, fields]) => object(provider === null ? fields : [['litellm_provider', provider], ...fields])),
  },
  text('null', '"text"', '[1, 2]', '7', '{}'),
)

/** One `fallback_generalizations` rule's JSON, good or bad. */
export const ruleText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.tuple(text('name'), text('"r1"', '"r2"', '""', '1')),
      fc.tuple(text('pattern'), text('"^gpt-"', '"claude"', '"("', '""', '"(a+)+$"', '2')),
      fc.tuple(text('description', 'extends'), text('"r1"', '"x"', '3')),
      fc.tuple(
        text('model_info'),
        fc.oneof(
          { weight: 4, arbitrary: fc.array(field, { maxLength: 4 }).map(object) },
          entryText,
          // Valid once coerced: zod's copy differs from the text.
          text('{"input_cost_per_token": "1e-6"}', '{"litellm_provider": "openai", "output_cost_per_token": null}'),
          text('null', '"x"'),
        ),
      ),
      fc.tuple(text('fill_missing_for_providers'), text('["openai"]', '[1]', '"openai"')),
      fc.tuple(text('note', '__proto__', 'constructor'), nestedText),
    ),
    { maxLength: 6 },
  )
  .map((fields) => object([['name', '"r"'], ['pattern', '"^gpt-"'], ...fields]))

/** Keys as upstream writes them, with case twins, integer-like keys, and keys validation refuses. */
const modelKey = fc.oneof(
  {
    weight: 12,
    arbitrary: text('gpt-4o', 'GPT-4o', 'gpt-4o-mini', 'claude-3', 'a', 'b', 'c', 'm:0', '123', 'a-alias'),
  },
  text('__proto__', ' ', '', 'x\\u0041', 'tab\\tkey', 'sample_spec'),
)

/** A map: model entries (keys may repeat), and sometimes sample_spec, rules and last_updated. */
export const mapEntries: fc.Arbitrary<Array<[string, string]>> = fc
  .tuple(
    fc.array(fc.tuple(modelKey, entryText), { minLength: 1, maxLength: 10 }),
    fc.option(fc.array(ruleText, { maxLength: 4 }), { freq: 2 }),
    fc.boolean(),
  )
  .map(([entries, rules, meta]) => [
    ...(meta ? ([['sample_spec', '{"litellm_provider": "x", "mode": 3}']] as Array<[string, string]>) : []),
    ...entries,
    ...(rules === null ? [] : ([['fallback_generalizations', `{"rules": ${list(rules)}}`]] as Array<[string, string]>)),
    ...(meta ? ([['last_updated', '"2026-01-01"']] as Array<[string, string]>) : []),
  ])

/** The text of a map, one entry a line as upstream writes it (keys are written as given: escapes stay). */
export const renderMap = (entries: ReadonlyArray<readonly [string, string]>): string =>
  `{\n${entries.map(([key, value]) => `  "${key}": ${value}`).join(',\n')}\n}\n`

function object(fields: ReadonlyArray<readonly [string, string]>): string {
  return `{${fields.map(([key, value]) => `"${key}": ${value}`).join(', ')}}`
}

function list(items: readonly string[]): string {
  return `[${items.join(', ')}]`
}
