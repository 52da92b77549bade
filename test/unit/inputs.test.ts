import * as fc from "fast-check";
import { changedKeys, type DiffKeys, type InputShape, inputFailures } from "../../lib/inputs";

interface Sample {
  name: string;
  note: string;
  count: number;
  enabled: boolean;
  items: string[];
  settings: { a: number };
  optional: string | null;
}

const shape: InputShape<Sample> = {
  name: "text",
  note: "string",
  count: "number",
  enabled: "boolean",
  items: "list",
  settings: "object",
  optional: "text?",
};

const good: Sample = {
  name: "n",
  note: "",
  count: 1,
  enabled: false,
  items: [],
  settings: { a: 1 },
  optional: null,
};

describe("inputFailures", () => {
  it("accepts inputs of their declared kinds, null where optional", () => {
    expect(inputFailures(shape, good)).toEqual([]);
    expect(inputFailures(shape, { ...good, optional: "x" })).toEqual([]);
  });

  it("names every bad input, in the declared order, with what it must be", () => {
    const bad = { name: "", note: 3, count: "1", enabled: "yes", items: {}, settings: [], optional: "" };
    expect(inputFailures(shape, bad)).toEqual([
      { property: "name", reason: "name must be a non-empty string" },
      { property: "note", reason: "note must be a string" },
      { property: "count", reason: "count must be a number" },
      { property: "enabled", reason: "enabled must be true or false" },
      { property: "items", reason: "items must be a list" },
      { property: "settings", reason: "settings must be an object" },
      { property: "optional", reason: "optional must be a non-empty string or null" },
    ]);
    expect(inputFailures(shape, {}).map((f) => f.property)).toEqual(Object.keys(shape).slice(0, 6));
    expect(inputFailures(shape, { ...good, count: Number.NaN })).toEqual([
      { property: "count", reason: "count must be a number" },
    ]);
  });

  it("lets values that preview does not know yet pass, whatever their kind", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const all = Object.fromEntries(Object.keys(shape).map((k) => [k, unknown]));
    expect(inputFailures(shape, all)).toEqual([]);
  });
});

describe("changedKeys", () => {
  const diff: DiffKeys<Sample> = {
    keys: ["name", "items", "settings"],
    compareBy: { items: (items) => (items ?? []).map((i) => i.toLowerCase()) },
  };

  it("lists the declared keys that changed, in declared order, and only those", () => {
    expect(changedKeys(diff, good, { ...good, count: 2, note: "x" })).toEqual([]);
    expect(changedKeys(diff, good, { ...good, settings: { a: 2 }, name: "m" })).toEqual(["name", "settings"]);
  });

  it("compares what compareBy keeps, and an absent old value like null", () => {
    expect(changedKeys(diff, { ...good, items: ["A"] }, { ...good, items: ["a"] })).toEqual([]);
    expect(changedKeys(diff, { ...good, items: ["a"] }, { ...good, items: ["b"] })).toEqual(["items"]);
    expect(changedKeys(diff, { items: [] }, { items: undefined })).toEqual([]);
    expect(changedKeys({ keys: ["optional"] }, {}, { optional: null })).toEqual([]);
  });

  it("sees no change between equal values and a change for any different value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const changed = changedKeys<{ v: unknown }>({ keys: ["v"] }, { v: a }, { v: b });
        expect(changed).toEqual(JSON.stringify(a ?? null) === JSON.stringify(b ?? null) ? [] : ["v"]);
        expect(changedKeys<{ v: unknown }>({ keys: ["v"] }, { v: a }, { v: a })).toEqual([]);
      }),
    );
  });
});
