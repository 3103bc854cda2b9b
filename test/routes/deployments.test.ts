// Deployment ids, secret masking and the rate limiter, below the HTTP layer.
import { describe, expect, it } from 'vitest'
import { deploymentId } from '../../src/http/deployment-id'
import { createCostMapHandler } from '../../src/http/handler'
import { createTokenBucket } from '../../src/http/rate-limit'
import { isSensitiveKey, maskValue, redactParams } from '../../src/http/redact'
import { ModelCostMap } from '../../src/store/store'

describe('deploymentId', () => {
  it('matches the id LiteLLM computes (Python str() and json.dumps of every value type)', () => {
    // Expected value computed with Python 3: sha256 of the name, then each key + str(value) / json.dumps(dict).
    const params = {
      model: 'gpt-4',
      rpm: 6,
      temperature: 0.5,
      tiny: 1e-6,
      big: 1.5e16,
      flag: true,
      none: null,
      extra: { a: 1, b: 'é', c: [1, 2.5] },
      tags: ['x', "it's"],
    }
    expect(deploymentId('my-group', params)).toBe('2c0cf2b41d72920035137a7c8aed988ea3360408e55fae95bea9983a1cc3004e')
  })

  it('depends on the parameter order and values, as LiteLLM does', () => {
    const a = deploymentId('g', { model: 'gpt-4', rpm: 1 })
    expect(deploymentId('g', { rpm: 1, model: 'gpt-4' })).not.toBe(a)
    expect(deploymentId('g', { model: 'gpt-4', rpm: 2 })).not.toBe(a)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('deployment ids and the map', () => {
  it('a second handler on the same store with the same config starts: its own ids are registrations, not map models', () => {
    const costs = new ModelCostMap({ autoLoad: false })
    try {
      const modelList = [
        { model_name: 'free', litellm_params: { model: 'gpt-4o', input_cost_per_token: 0 } },
        { model_name: 'named', litellm_params: { model: 'gpt-4o' }, model_info: { id: 'team-gpt' } },
      ]
      createCostMapHandler(costs, { masterKey: 'k', env: {}, modelList })
      expect(() => createCostMapHandler(costs, { masterKey: 'k', env: {}, modelList })).not.toThrow()
      expect(costs.mapKeyFor('team-gpt')).toBeUndefined()
      expect(costs.findModelInfo('team-gpt')?.key).toBe('team-gpt')
      expect(costs.mapKeyFor('GPT-4O')).toBe('gpt-4o')
    } finally {
      costs.dispose()
    }
  })
})

describe('secret masking', () => {
  it('follows LiteLLM segment rules', () => {
    expect(isSensitiveKey('aws_session_token')).toBe(true)
    expect(isSensitiveKey('azure-ad-token')).toBe(true)
    expect(isSensitiveKey('input_cost_per_token')).toBe(false)
    expect(isSensitiveKey('litellm_credential_name')).toBe(false)
    expect(isSensitiveKey('max_tokens')).toBe(false)
    expect(isSensitiveKey('keyword')).toBe(false)
    expect(maskValue('1234567')).toBe('1234567')
    expect(maskValue('12345678')).toBe('12345678')
    expect(maskValue('123456789')).toBe('1234*6789')
  })

  it('never returns an os.environ reference, even under a harmless key or nested', () => {
    const out = redactParams({ model: 'm', api_base: 'os.environ/BASE', nested: { url: 'os.environ/U', ok: 1 } })
    expect(out).toEqual({ model: 'm', nested: { ok: 1 } })
  })
})

describe('token bucket', () => {
  it('allows the burst, then asks to wait until a token is back', () => {
    let now = 0
    const bucket = createTokenBucket({ burst: 2, perMinute: 6 }, () => now)
    expect([bucket.take(), bucket.take()]).toEqual([0, 0])
    expect(bucket.take()).toBe(10)
    now += 9_000
    expect(bucket.take()).toBe(1)
    now += 1_000
    expect(bucket.take()).toBe(0)
    expect(createTokenBucket(false).take()).toBe(0)
    expect(() => createTokenBucket({ burst: 0 })).toThrow(/burst/)
  })
})
