/** @type {import('jest').Config} */
// Octokit, @kubernetes/client-node and some of their dependencies ship ES modules only;
// ts-jest turns them into CommonJS for jest's module loader.
const esmPackages = [
  "@kubernetes/client-node",
  "openid-client",
  "oauth4webapi",
  "jose",
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
  // Two workers, each recycled past 800 MB. One process running every file in band keeps
  // growing, and each git or pulumi child it spawns pays for forking it (the ref-name property
  // test: 0.5 s alone, 36 s late in a run in band; jest's whole run: 14 min in band, 5 here).
  maxWorkers: 2,
  workerIdleMemoryLimit: "800MB",
};
