#!/usr/bin/env node
// Runs one of this project's TypeScript entry points from its compiled JavaScript (built
// first when stale), as the main module, in this same process:
//
//   node scripts/run.js local/kernelciSimulator/cli.ts --port 8901 ...

const Module = require("node:module");
const { compiledPath, ensureBuilt } = require("./build");

const [source, ...args] = process.argv.slice(2);
if (!source || !/\.ts$/.test(source)) {
  process.stderr.write("usage: node scripts/run.js <file.ts> [arguments...]\n");
  process.exit(2);
}
ensureBuilt((line) => process.stderr.write(`${line}\n`));
process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], compiledPath(source), ...args];
Module.runMain();
