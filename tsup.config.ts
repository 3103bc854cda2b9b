import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

const library = {
  index: 'src/index.ts',
  backup: 'src/backup-entry.ts',
  express: 'src/adapters/express.ts',
  hono: 'src/adapters/hono.ts',
  redis: 'src/redis-entry.ts',
}
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

export default defineConfig({
  // The CLI is built with the library so it shares its chunks (one copy of the backup per format); its
  // `#!/usr/bin/env node` line is kept by esbuild and tsup marks the file executable.
  entry: { ...library, cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: library },
  clean: true,
  sourcemap: false,
  target: 'node20',
  define: { __COSTMAP_VERSION__: JSON.stringify(version) },
  // One shared chunk for the backup text in both formats, instead of a 1.4 MB copy per entry.
  splitting: true,
  // The backup is imported as text: JSON.parse of a string is much faster than a 1.4 MB object literal.
  loader: { '.json': 'text' },
  external: ['express', 'hono', 'ioredis', 'undici'],
})
