// Compiles this project's TypeScript to JavaScript under dist/ (same layout, source maps
// pointing at the .ts lines), so that the CLI, the Pulumi program, its dynamic providers, the
// simulator and the bot start without compiling anything. esbuild only transpiles: the type
// check is `npm run check` (part of `npm test`).
//
// `ensureBuilt()` rebuilds when a source is newer than the last build, or a source was added
// or removed; every entry point (bin/kci-deploy, scripts/run.js, scripts/program.js) calls it,
// so nobody runs stale JavaScript. Checking costs a few milliseconds (a stat per source).
//
//   node scripts/build.js          build when stale (quiet when fresh)
//   node scripts/build.js --force  build now

const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const outDir = path.join(root, "dist");
const stampFile = path.join(outDir, ".build-stamp.json");
// Top-level folders that hold no program source: every other one (lib/, bot/, ...) is built.
const NOT_SOURCES = new Set(["node_modules", "dist", "coverage", "rendered", "reports"]);
// What the output depends on besides the sources.
const BUILD_INPUTS = ["tsconfig.json", "scripts/build.js"];

/** Every .ts source (relative paths, sorted), tests excepted: jest runs those from source. */
function listSources() {
  const found = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const name = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && !(rel === "" && NOT_SOURCES.has(entry.name))) walk(name);
      } else if (/\.ts$/.test(entry.name) && !/\.(d|test)\.ts$/.test(entry.name)) {
        found.push(name);
      }
    }
  };
  walk("");
  return found.sort();
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(stampFile, "utf8"));
  } catch {
    return null;
  }
}

/** Why the build is stale (a file name, or a reason), or null when dist/ is up to date. */
function staleness(sources) {
  const stamp = readStamp();
  if (!stamp) return "no build yet";
  if (stamp.sources.join("\n") !== sources.join("\n")) return "sources added or removed";
  for (const file of [...sources, ...BUILD_INPUTS]) {
    if (fs.statSync(path.join(root, file)).mtimeMs >= stamp.builtAt) return `${file} changed`;
  }
  return null;
}

/** Writes through a temporary file, so that a process reading dist/ never sees half a file. */
function writeAtomic(file, contents) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

/** Deletes the outputs of sources that no longer exist. */
function removeStale(dir, keep) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) removeStale(file, keep);
    else if (/\.js(\.map)?$/.test(entry.name) && !keep.has(file)) fs.rmSync(file);
  }
}

/** Transpiles every source into dist/; returns how many files were built. */
function build(sources = listSources()) {
  const esbuild = require("esbuild");
  const builtAt = Date.now();
  let result;
  try {
    result = esbuild.buildSync({
      entryPoints: sources.map((s) => path.join(root, s)),
      outdir: outDir,
      outbase: root,
      format: "cjs",
      platform: "node",
      target: "node20",
      tsconfig: path.join(root, "tsconfig.json"),
      sourcemap: true,
      sourcesContent: false,
      write: false,
      logLevel: "silent",
    });
  } catch (err) {
    const details = (err.errors ?? []).map(
      (e) => `${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ""}${e.text}`,
    );
    throw new Error(`build: compiling to ${outDir} failed\n${details.join("\n") || err.message}`);
  }
  for (const out of result.outputFiles) writeAtomic(out.path, out.contents);
  removeStale(outDir, new Set(result.outputFiles.map((o) => o.path)));
  writeAtomic(stampFile, JSON.stringify({ builtAt, tool: `esbuild ${esbuild.version}`, sources }));
  return sources.length;
}

/** Builds when dist/ is stale; `log` hears what was rebuilt and why. */
function ensureBuilt(log = () => {}) {
  const sources = listSources();
  const why = staleness(sources);
  if (why === null) return false;
  const start = Date.now();
  const count = build(sources);
  log(`build: ${count} sources compiled to dist/ in ${Date.now() - start} ms (${why})`);
  return true;
}

/** Where the compiled JavaScript of a source file (e.g. `local/forge.ts`) lives. */
function compiledPath(source) {
  const rel = path.relative(root, path.resolve(root, source));
  return path.join(outDir, rel.replace(/\.ts$/, ".js"));
}

module.exports = { root, outDir, listSources, ensureBuilt, build, compiledPath };

if (require.main === module) {
  const log = (line) => process.stderr.write(`${line}\n`);
  try {
    if (process.argv.includes("--force")) {
      const start = Date.now();
      log(`build: ${build()} sources compiled to dist/ in ${Date.now() - start} ms`);
    } else {
      ensureBuilt(log);
    }
  } catch (err) {
    log(err.message);
    process.exitCode = 1;
  }
}
