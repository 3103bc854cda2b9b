import { readFileSync, rmSync } from 'node:fs'
import { defineConfig, type Format } from 'tsup'

const library = {
  index: 'src/index.ts',
  backup: 'src/backup-entry.ts',
  express: 'src/adapters/express.ts',
  hono: 'src/adapters/hono.ts',
  redis: 'src/redis-entry.ts',
  prometheus: 'src/prometheus-entry.ts',
  otel: 'src/adapters/otel.ts',
  schema: 'src/schema-entry.ts',
}
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

const shared = {
  format: ['esm'] as Format[],
  sourcemap: false,
  target: 'node20',
  // `import.meta.url` in the CommonJS build: src/_internal/lazy.ts and src/map/backup.ts resolve files from it.
  shims: true,
  define: { __COSTMAP_VERSION__: JSON.stringify(version) },
  external: ['express', 'hono', 'ioredis', 'undici', 'prom-client', '@opentelemetry/api'],
  // mitt's 200 bytes go into the chunk: resolving a bare package at import (its package.json, its exports)
  // cost a cold start about 0.7 ms, 3% of the bench's floor. It stays a dependency for its `Emitter` type.
  noExternal: ['mitt'],
}

// The two builds write into the same folder: clear it once, here, rather than let either clean up the other.
rmSync('dist', { recursive: true, force: true })

export default defineConfig([
  {
    ...shared,
    entry: library,
    format: ['esm', 'cjs'],
    dts: { entry: library },
    // The entries share one chunk (each re-exports the core) in both formats.
    splitting: true,

    // CommonJS has no `import.meta` (tsup shims only its `url`): src/_internal/lazy.ts then takes the CommonJS copies.
    esbuildOptions(options, { format }) {
      if (format === 'cjs') options.define = { ...options.define, 'import.meta.resolve': 'undefined' }
      // Parsing the chunk is most of `import 'costmap'`: without its indentation and newlines (names kept,
      // so stack traces still read) a cold start is about 0.5 ms faster, 2.5% of the bench's floor. ESM
      // only: tsup's CommonJS class-field rewrite emits invalid code on minified syntax.
      if (format === 'esm') Object.assign(options, { minifyWhitespace: true, minifySyntax: true })
    },
  },
  {
    // The CLI is a program of its own: one file, so it neither splits the library's chunk nor waits for it.
    // Its `#!/usr/bin/env node` line is kept by esbuild and tsup marks the file executable.
    ...shared,
    entry: { cli: 'src/cli/main.ts' },
    splitting: false,
  },
])
