/** @type {import('jest').Config} */
// Octokit and some of its dependencies ship ES modules only; ts-jest turns them into CommonJS
// for jest's module loader.
const esmPackages = [
  "@octokit",
  "content-type",
  "universal-user-agent",
  "before-after-hook",
  "fast-content-type-parse",
  "json-with-bigint",
];

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": "ts-jest",
    "^.+\\.js$": ["ts-jest", { tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join("|")})/)`],
  // Its exports offer `import` only (under `node`), a condition jest's resolver does not ask for.
  moduleNameMapper: {
    "^@octokit/webhooks-methods$": "<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js",
  },
  // The engine layer runs the real `pulumi`: minutes, not seconds.
  testTimeout: 60_000,
};
