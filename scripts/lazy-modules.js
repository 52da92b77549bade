// Preloaded (node --require) into the dynamic-provider process by
// scripts/pulumi-resource-pulumi-nodejs. As it starts, @pulumi/pulumi loads the TypeScript
// compiler (9 MB of JavaScript) and @npmcli/arborist, about 250 ms here, only for serializing
// functions, which a provider process does not do: here each loads on its first use instead.
const Module = require("node:module");
const path = require("node:path");

/** Puts a stand-in for the module at `file` in require's cache, loading the real one when used. */
function lazily(file) {
  let real;
  const load = () => {
    if (real === undefined) {
      delete require.cache[file];
      real = require(file);
    }
    return real;
  };
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  // `__esModule` keeps TypeScript's __importStar from copying (and so loading) every export.
  standIn.exports = new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" ? true : load()[key]),
      has: (_, key) => key in load(),
    },
  );
  require.cache[file] = standIn;
}

const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd()] }));
lazily(path.join(sdk, "typescript-shim.js"));
lazily(require.resolve("@npmcli/arborist", { paths: [path.join(sdk, "runtime/closure")] }));
