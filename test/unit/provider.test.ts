import * as pulumi from "@pulumi/pulumi";
import { defineProvider, dynamicResource, secretOutputOptions } from "../../providers/provider";
import { promiseOf as value } from "../support/mockProgram";

interface Inputs {
  target: string;
  limit: number;
  token: string | null;
}
interface Outputs {
  done: string;
  runs: number;
}

/** A provider whose work is to count its runs; `observed` stands for the outside world. */
const observed = { done: "real" };
const calls: { inputs: Inputs; previous: unknown }[] = [];
const counter = defineProvider<Inputs, Outputs>({
  type: "Counter",
  inputs: { target: "text", limit: "number", token: "string?" },
  outputs: { done: "text", runs: "number" },
  diff: { keys: ["target"] },
  secrets: ["token"],
  id: (inputs) => `counter-${inputs.target}`,
  async apply(inputs, previous) {
    calls.push({ inputs, previous });
    return { done: inputs.target, runs: (previous?.runs ?? 0) + 1 };
  },
  read: async () => ({ done: observed.done }),
});

const inputs: Inputs = { target: "a", limit: 1, token: "PLANTED-5ecret" };

describe("a provider built by defineProvider", () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it("checks every input against its declared kind", async () => {
    expect((await counter.check({}, inputs)).failures).toEqual([]);
    const bad = await counter.check({}, { target: "", limit: "2" });
    expect(bad.failures?.map((f) => f.property)).toEqual(["target", "limit"]);
  });

  it("creates with its id, echoing the inputs without the secrets", async () => {
    const created = await counter.create(inputs);
    expect(created).toEqual({ id: "counter-a", outs: { target: "a", limit: 1, done: "a", runs: 1 } });
    expect(calls).toEqual([{ inputs, previous: null }]);
  });

  it("diffs over the declared keys only and names them", async () => {
    const { outs } = await counter.create(inputs);
    expect(await counter.diff("id", outs, { ...inputs, limit: 5, token: "other" })).toEqual({
      changes: false,
      diffs: [],
    });
    expect(await counter.diff("id", outs, { ...inputs, target: "b" })).toEqual({
      changes: true,
      diffs: ["target"],
    });
  });

  it("updates with the last state as `previous`", async () => {
    const { outs } = await counter.create(inputs);
    const updated = await counter.update("id", outs, { ...inputs, target: "b" });
    expect(updated.outs).toEqual({ target: "b", limit: 1, done: "b", runs: 2 });
    expect(calls[1].previous).toBe(outs);
  });

  it("reads what can be observed over the state, so a refresh sees outside changes", async () => {
    const { outs } = await counter.create(inputs);
    observed.done = "changed outside";
    expect(await counter.read("counter-a", outs)).toEqual({
      id: "counter-a",
      props: { ...outs, done: "changed outside" },
    });
  });

  it("leaves the outside alone on delete when the spec says nothing", async () => {
    await expect(counter.delete("counter-a", {})).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });

  it("serializes without module graphs, as the engine stores it", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => counter, { allowSecrets: false });
    expect(serialized.text).not.toMatch(/@pulumi\/pulumi|require\(/);
    expect(serialized.containsSecrets).toBe(false);
  });
});

describe("the resource class of a provider (mocks)", () => {
  const registered: Record<string, unknown>[] = [];
  beforeAll(() =>
    pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push(args.inputs);
          return { id: `${args.name}-id`, state: { ...args.inputs, done: "x", runs: 3 } };
        },
        call: (args) => args.inputs,
      },
      "kernelci",
      "test",
      false,
    ),
  );
  class Counter extends dynamicResource(counter) {}

  it("registers the type kernelci:Counter with typed outputs, secrets as secrets", async () => {
    const res = new Counter("c", { target: "a", limit: pulumi.output(2), token: "PLANTED-5ecret" });
    expect(await value(res.runs)).toBe(3);
    expect(await value(res.limit)).toBe(2);
    expect(await value(res.urn)).toMatch(/pulumi-nodejs:dynamic\/kernelci:Counter::c$/);
    expect(await pulumi.isSecret(res.token)).toBe(true);
    expect(await pulumi.isSecret(res.target)).toBe(false);
    const plain = new Counter("d", { target: "a", limit: 2, token: null });
    expect(await value(plain.token)).toBeNull();
    expect(await pulumi.isSecret(plain.target)).toBe(false);
  });
});

describe("a provider whose read needs a secret (readSecrets)", () => {
  const reader = defineProvider<Inputs, Outputs>({
    type: "Reader",
    inputs: { target: "text", limit: "number", token: "string?" },
    outputs: { done: "text", runs: "number" },
    diff: { keys: ["target"] },
    secrets: ["token"],
    readSecrets: ["token"],
    id: (inputs) => `reader-${inputs.target}`,
    apply: async (inputs) => ({ done: inputs.target, runs: 1 }),
    read: async (_id, state) => ({ done: `read with ${state.token}` }),
  });

  it("keeps the secret in the outputs for read, registered as an additional secret output", async () => {
    const { outs } = await reader.create(inputs);
    expect(outs).toEqual({ target: "a", limit: 1, token: "PLANTED-5ecret", done: "a", runs: 1 });
    expect((await reader.read("reader-a", outs)).props?.done).toBe("read with PLANTED-5ecret");
    expect(secretOutputOptions(reader.spec, { protect: true })).toEqual({
      protect: true,
      additionalSecretOutputs: ["token"],
    });
    // The other providers' options are left as they are.
    const opts = { protect: true };
    expect(secretOutputOptions(counter.spec, opts)).toBe(opts);
  });

  it("refuses a read secret that is not declared a secret", () => {
    expect(() => defineProvider({ ...reader.spec, secrets: [] })).toThrow(
      "Reader: readSecrets token not among secrets",
    );
  });
});
