import * as pulumi from "@pulumi/pulumi";
import { changedKeys, type DiffKeys, type InputShape, inputFailures } from "../lib/inputs";

/**
 * The one skeleton of this project's dynamic providers (see README, "Adding a dynamic
 * provider"). A provider declares its inputs, outputs, diff keys and secrets; the skeleton
 * derives `check`, `diff`, `create`, `update` and `read` from them.
 *
 * Everything a spec's functions capture is serialized into the state and run by the engine in
 * its own Node.js process: they capture plain values and module paths (`projectModule`), and
 * load the engine in `lib/` with `loadModule` when they run.
 */
export interface ProviderSpec<I, O> {
  /** The resource type, shown by preview as `pulumi-nodejs:dynamic/kernelci:<type>`. */
  readonly type: string;
  /** Every input with its kind: `check` reports each one that does not match, with its key. */
  readonly inputs: InputShape<I>;
  /** Every output beyond the echoed inputs: the resource exposes each as a typed Output. */
  readonly outputs: InputShape<O>;
  /** The inputs whose change means running again; the others are recorded only. */
  readonly diff: DiffKeys<I>;
  /**
   * The inputs that are secrets, declared once: registered as Pulumi secrets and never
   * copied into the outputs (the state keeps them encrypted among the inputs only).
   */
  readonly secrets?: readonly (keyof I & string)[];
  /**
   * The secrets `read` needs to ask the outside world (a token), declared once: kept in the
   * outputs as additional secret outputs, so the state holds them encrypted, never in plaintext.
   * Each must be among `secrets`. Needed because the engine hands `read` the last outputs only:
   * `pulumi refresh` does not run the program, so the token in the configuration is not there.
   */
  readonly readSecrets?: readonly (keyof I & string)[];
  /** The resource's id, from its inputs. */
  id(inputs: I): string;
  /** Does the work; `previous` is the last state (null on create). Throws to fail `up`. */
  apply(inputs: I, previous: State<I, O> | null): Promise<O>;
  /**
   * What can be observed of the real thing now, for `pulumi refresh` (a head, a tag, replicas);
   * null when it is gone.
   */
  read?(id: string, state: State<I, O>): Promise<{ [K in keyof O]?: O[K] | null }>;
  /** What to undo on delete; without it, deleting the resource leaves the outside world alone. */
  delete?(id: string, state: State<I, O>): Promise<void>;
}

/**
 * The state kept by the engine: the inputs (without secrets) and the outputs. Partial: a
 * state written by an earlier version of the provider may lack a key.
 */
export type State<I, O> = Partial<I & O>;

/** The outputs of a run: the inputs without secrets (but the `readSecrets`), and every output. */
export type Outs<I, O> = Partial<I> & O;

/**
 * A `diff` that also names the keys that changed (tests and the bot read them). The dynamic
 * provider host of @pulumi/pulumi 3.248 forwards only `changes` and `replaces` to the engine,
 * which then shows every input that differs; `diffs` is what decided the update.
 */
export interface KeyedDiffResult extends pulumi.dynamic.DiffResult {
  readonly changes: boolean;
  readonly diffs: string[];
}

/** A Pulumi dynamic provider built from a spec, with its methods typed. */
export interface TypedProvider<I, O> extends pulumi.dynamic.ResourceProvider {
  readonly spec: ProviderSpec<I, O>;
  check(olds: unknown, news: object): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: State<I, O>, news: I): Promise<KeyedDiffResult>;
  create(inputs: I): Promise<{ id: string; outs: Outs<I, O> }>;
  update(id: string, olds: State<I, O>, news: I): Promise<{ outs: Outs<I, O> }>;
  read(id: string, state: State<I, O>): Promise<pulumi.dynamic.ReadResult<State<I, O>>>;
  delete(id: string, state: State<I, O>): Promise<void>;
}

/** Builds the provider of a spec. Keep the spec free of imported modules (see above). */
export function defineProvider<I, O>(spec: ProviderSpec<I, O>): TypedProvider<I, O> {
  const unsecret = spec.readSecrets?.filter((key) => !spec.secrets?.includes(key)) ?? [];
  if (unsecret.length > 0)
    throw new Error(`${spec.type}: readSecrets ${unsecret.join(", ")} not among secrets`);
  const run = async (inputs: I, previous: State<I, O> | null): Promise<Outs<I, O>> => {
    const plain: Partial<I> = { ...inputs };
    for (const key of spec.secrets ?? []) if (!spec.readSecrets?.includes(key)) delete plain[key];
    return { ...plain, ...(await spec.apply(inputs, previous)) };
  };
  return {
    spec,
    async check(_olds, news) {
      return { inputs: news, failures: inputFailures(spec.inputs, news) };
    },
    async diff(_id, olds, news) {
      const diffs = changedKeys(spec.diff, olds, news);
      return { changes: diffs.length > 0, diffs };
    },
    async create(inputs) {
      return { id: spec.id(inputs), outs: await run(inputs, null) };
    },
    async update(_id, olds, news) {
      return { outs: await run(news, olds) };
    },
    async read(id, state) {
      return { id, props: spec.read ? { ...state, ...(await spec.read(id, state)) } : state };
    },
    async delete(id, state) {
      await spec.delete?.(id, state);
    },
  };
}

/** Each input may come from another resource's output. */
export type ResourceArgs<I> = { [K in keyof I]: pulumi.Input<I[K]> };

/** The typed Outputs of a resource: its inputs (echoed) and its outputs. */
export type ResourceOutputs<I, O> = { readonly [K in keyof (I & O)]-?: pulumi.Output<(I & O)[K]> };

/** The resource options with the spec's `readSecrets` added to `additionalSecretOutputs`. */
export function secretOutputOptions<I, O>(
  spec: ProviderSpec<I, O>,
  opts: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  const kept = spec.readSecrets ?? [];
  if (kept.length === 0) return opts;
  return { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...kept] };
}

type ResourceClass<I, O> = new (
  name: string,
  args: ResourceArgs<I>,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.dynamic.Resource & ResourceOutputs<I, O>;

/**
 * The resource class of a provider: `export class Drain extends dynamicResource(drainProvider) {}`.
 * Its outputs are registered for every declared output; secret inputs are registered as secrets.
 */
export function dynamicResource<I, O>(provider: TypedProvider<I, O>): ResourceClass<I, O> {
  const { spec } = provider;
  class Resource extends pulumi.dynamic.Resource {
    constructor(name: string, args: ResourceArgs<I>, opts?: pulumi.CustomResourceOptions) {
      const props: Record<string, unknown> = {};
      for (const key of Object.keys(spec.outputs)) props[key] = undefined;
      Object.assign(props, args);
      for (const key of spec.secrets ?? []) {
        // Nothing to hide in an absent value (no token, no legacy Jenkins).
        if (props[key] !== undefined && props[key] !== null) props[key] = pulumi.secret(props[key]);
      }
      super(provider, name, props, secretOutputOptions(spec, opts), "kernelci", spec.type);
    }
  }
  return Resource as unknown as ResourceClass<I, O>;
}
