#!/usr/bin/env node
// Entry point of `ipn` / `npm start`: runs the TypeScript sources through tsx (no build step).
require("tsx/cjs/api").register();
require("../cli.ts").main(process.argv).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
