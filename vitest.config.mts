import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // Pulumi mock tests share the runtime's global state: one file per worker process.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
