import * as path from "node:path";
import { projectRoot } from "../lib/project";

/**
 * The absolute path of one of this project's modules, for a dynamic provider to load.
 *
 * Dynamic providers are serialized into state and run by the engine in a separate Node.js
 * process. Capturing imported modules in their methods would serialize whole module graphs
 * (the classic failure), so a method captures only this path, a plain string, and calls
 * `loadModule` with it at run time.
 */
export function projectModule(relative: string): string {
  return path.join(projectRoot, relative);
}

/** Loads a module of this project at run time, compiling TypeScript sources on the fly. */
export function loadModule<T>(absolutePath: string): T {
  const tsNodeKey = Symbol.for("kernelci.ts-node");
  const registry = globalThis as unknown as Record<symbol, boolean>;
  if (!registry[tsNodeKey]) {
    require("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
    registry[tsNodeKey] = true;
  }
  return require(absolutePath) as T;
}
