import * as path from "node:path";

// Where this file's siblings are: dist/ when the program runs compiled (always, under the
// engine), the sources when tests load it through jest.
const codeRoot = path.resolve(__dirname, "..");

/**
 * The absolute path of one of this project's modules, for a dynamic provider to load.
 *
 * Dynamic providers are serialized into state and run by the engine in a separate Node.js
 * process. Capturing imported modules in their methods would serialize whole module graphs
 * (the classic failure), so a method captures only this path, a plain string, and calls
 * `loadModule` with it at run time.
 */
export function projectModule(relative: string): string {
  return path.join(codeRoot, relative);
}

/**
 * Loads a module of this project in the provider process, once: later calls get the same
 * module from require's cache, so an engine and what it imports load on the first call that
 * needs them and never again. Compiled JavaScript loads as it is; only a path that resolves
 * to nothing but TypeScript (state written by a program run from its sources) registers a
 * transpiler first.
 */
export function loadModule<T>(absolutePath: string): T {
  let file: string;
  try {
    file = require.resolve(absolutePath);
  } catch {
    const tsNodeKey = Symbol.for("kernelci.ts-node");
    const registry = globalThis as unknown as Record<symbol, boolean>;
    if (!registry[tsNodeKey]) {
      require("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
      registry[tsNodeKey] = true;
    }
    file = require.resolve(absolutePath);
  }
  return require(file) as T;
}
