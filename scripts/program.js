// The Pulumi program's entry point (package.json "main"): the compiled index.ts, rebuilt
// first when a source changed. The engine runs JavaScript only (Pulumi.yaml turns its
// TypeScript support off), so preview and up never compile or type-check.

require("./build").ensureBuilt((line) => console.log(line));
module.exports = require("../dist/index.js");
