import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/main/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/renderer/**/*.test.ts', 'test/reliability/**/*.test.ts'],
    // The reliability suite runs here at CI size; `npm run test:reliability` runs it at full size (200 kills, 30 s of concurrent writers, 100 restore kills, 30 backup kills).
    env: {
      KEYSTEAD_CRASH_KILLS: process.env.KEYSTEAD_CRASH_KILLS ?? '40',
      KEYSTEAD_CONCURRENCY_SECONDS: process.env.KEYSTEAD_CONCURRENCY_SECONDS ?? '8',
      KEYSTEAD_RESTORE_KILLS: process.env.KEYSTEAD_RESTORE_KILLS ?? '12',
      KEYSTEAD_BACKUP_KILLS: process.env.KEYSTEAD_BACKUP_KILLS ?? '5',
    },
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
})
