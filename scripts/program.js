// The Pulumi program's entry point (package.json "main"): the compiled index.ts, rebuilt
// first when a source changed. The engine runs JavaScript only (Pulumi.yaml turns its
// TypeScript support off), so preview and up never compile or type-check.
//
// Stack traces point at the .ts lines through Node's own source maps. The language host built
// by scripts/setup (v3.68) ignores `typescript: false` and registers ts-node anyway, whose
// source-map-support formats every stack the SDK captures (one per promise and resource):
// about 0.3 s of a preview. Node formats them natively, mapping only this project's frames.

require("./build").ensureBuilt((line) => console.log(line));
Error.prepareStackTrace = undefined;
process.setSourceMapsEnabled(true);
module.exports = require("../dist/index.js");
