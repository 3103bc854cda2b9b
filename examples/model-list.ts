/**
 * The `model_list` of the examples: LiteLLM's config example (litellm-curl-examples.md), as the parsed
 * YAML a host would pass to `modelList`.
 */
import type { Deployment } from '../src'

export const modelList: Deployment[] = [
  {
    model_name: 'gpt-4',
    litellm_params: { model: 'gpt-4', api_key: 'os.environ/OPENAI_API_KEY' },
    // Returned by /model/info, merged with the cost-map fields.
    model_info: { my_custom_key: 'my_custom_value' },
  },
  {
    model_name: 'gpt-3.5-turbo',
    litellm_params: {
      model: 'azure/gpt-turbo-small-eu',
      api_base: 'https://my-endpoint-europe.openai.azure.com/',
      api_key: 'os.environ/AZURE_API_KEY_EU',
      rpm: 6,
    },
    // Azure deployments are priced through base_model.
    model_info: { base_model: 'azure/gpt-35-turbo' },
  },
  {
    // A self-hosted model with explicit zero prices: costs.completionCost({ model: <its id>, usage }) is 0.
    model_name: 'my-llama',
    litellm_params: { model: 'ollama/llama3', input_cost_per_token: 0, output_cost_per_token: 0 },
  },
]
