/** Jest runs the TypeScript sources through ts-jest (transpile only; `npm run typecheck` type-checks). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  setupFiles: ["<rootDir>/node/runtime/shims.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    // Fedify's CommonJS build require()s a few ESM-only files; Jest on Node 20 must transpile them.
    "^.+\\.m?js$": ["ts-jest", { tsconfig: { allowJs: true, module: "commonjs", target: "ES2022", esModuleInterop: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(structured-field-values|jsonld/dist/jsonld\\.esm|byte-encodings|urlpattern-polyfill|feed|openid-client|oauth4webapi|jose|d3-geo|d3-array|internmap)/)"],
  // `--coverage` (CI's first run): V8's own counters, cheaper than instrumenting; every source file counts.
  coverageProvider: "v8",
  collectCoverageFrom: ["node/**/*.ts", "federation/**/*.ts"],
  testTimeout: 60000,
  maxWorkers: 2,
};
