import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'commands/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Tests start real servers and SQLite files; forks keep native handles apart.
    pool: 'forks',
    // The end-to-end tests run the compiled bot, as `npm start` does.
    globalSetup: ['test/global-setup.ts'],
  },
});
