// The Pulumi program's entry point (package.json "main"): the compiled index.ts, rebuilt
// first when a source changed. The engine runs JavaScript only, so preview and up never
// compile or type-check.
//
// Stack traces point at the .ts lines through Node's own source maps. The language host built
// by scripts/setup (v3.68) ignores `typescript: false` and registers ts-node anyway, whose
// source-map-support formats every stack the SDK captures (one per promise and resource)
// through the SDK's own maps: 0.1-0.3 s of a preview. Node formats them natively, and maps
// only the modules loaded after it is enabled: this project's, not the SDK's (loaded first,
// as index.js would, so that their maps are neither read nor applied).

require("./build").ensureBuilt((line) => console.log(line));
require("@pulumi/pulumi");
require("@pulumi/kubernetes");
Error.prepareStackTrace = undefined;
process.setSourceMapsEnabled(true);
module.exports = require("../dist/index.js");
