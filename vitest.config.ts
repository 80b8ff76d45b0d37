import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // End-to-end tests start the bundled action and real Python processes.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: more workers only make the end-to-end timings noisier.
    maxWorkers: 2,
  },
})
