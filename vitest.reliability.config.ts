import { defineConfig } from 'vitest/config'

/** `npm run test:reliability`: the reliability suite alone, at full size, with its counts printed. */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts', 'test/main/hardening*.test.ts', 'test/main/packaging.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['verbose'],
  },
})
