import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

const TEXT = '\0costmap-text:'

export default defineConfig({
  // Same as tsup's `loader: { '.json': 'text' }`: src imports the bundled backup as text.
  plugins: [
    {
      name: 'costmap-json-text',
      enforce: 'pre',
      resolveId(source, importer) {
        if (importer && /\/backup\/[^/]+\.json$/.test(source))
          return `${TEXT}${resolve(dirname(importer), source)}-text` // no `.json` ending: vite's JSON plugin must skip it
        return undefined
      },
      load(id) {
        if (id.startsWith(TEXT))
          return `export default ${JSON.stringify(readFileSync(id.slice(TEXT.length, -'-text'.length), 'utf8'))}`
        return undefined
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Builds dist/ when it is missing or older than src/ (the CLI, example and package tests run it).
    globalSetup: ['test/cli/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
})
