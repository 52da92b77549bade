import fc from "fast-check";
import {
  descendantsOf,
  isAllowedTransition,
  type NodeResult,
  type NodeState,
  nextState,
  nodeResults,
  nodeStates,
  type TimeoutView,
} from "../../lib/kernelci/node";

const results: NodeResult[] = [...nodeResults, null];
const view = fc.record<TimeoutView>({
  state: fc.constantFrom(...nodeStates),
  result: fc.constantFrom(...results),
  timeout: fc.integer({ min: 0, max: 1000 }),
  holdoff: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
  descendantsDone: fc.boolean(),
});
const now = fc.integer({ min: 0, max: 1000 });

describe("the node state machine", () => {
  it("allows exactly running -> available|closing|done, available -> closing|done, closing -> done", () => {
    const allowed = nodeStates.flatMap((from) =>
      nodeStates.filter((to) => isAllowedTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed).toEqual([
      "running->available",
      "running->closing",
      "running->done",
      "available->closing",
      "available->done",
      "closing->done",
    ]);
  });

  it("the timeout service only ever makes allowed transitions", () => {
    fc.assert(
      fc.property(view, now, (v, t) => {
        const change = nextState(v, t);
        return change === null || isAllowedTransition(v.state, change.state);
      }),
    );
  });

  it("done is final", () => {
    fc.assert(fc.property(view, now, (v, t) => nextState({ ...v, state: "done" }, t) === null));
  });

  it("a node past its timeout is done, incomplete with node_timeout when it had no result", () => {
    fc.assert(
      fc.property(view, now, (v, t) => {
        fc.pre(v.state !== "done" && t >= v.timeout);
        const change = nextState(v, t);
        return (
          change !== null &&
          change.state === "done" &&
          change.timedOut &&
          change.result === (v.result ?? "incomplete") &&
          change.errorCode === (v.result === null ? "node_timeout" : null)
        );
      }),
    );
  });

  it("applying the service again at the same time changes nothing more than once (converges)", () => {
    fc.assert(
      fc.property(view, now, (v, t) => {
        const first = nextState(v, t);
        if (first === null) return true;
        const second = nextState({ ...v, state: first.state, result: first.result }, t);
        // closing with everything done can close in the same instant; nothing after that.
        return second === null || (second.state === "done" && nextState({ ...v, state: "done" }, t) === null);
      }),
    );
  });

  // Every combination, spelled out: the rules of kernelci-services.md, one by one.
  const table: [NodeState, boolean, "none" | "future" | "past", boolean, NodeState | null][] = [];
  for (const state of nodeStates) {
    for (const timedOut of [false, true]) {
      for (const holdoff of ["none", "future", "past"] as const) {
        for (const descendantsDone of [false, true]) {
          let expected: NodeState | null = null;
          if (state !== "done") {
            if (timedOut) expected = "done";
            else if (state === "available" && holdoff === "past")
              expected = descendantsDone ? "done" : "closing";
            else if (state === "closing" && descendantsDone) expected = "done";
          }
          table.push([state, timedOut, holdoff, descendantsDone, expected]);
        }
      }
    }
  }
  it.each(table)(
    "%s, timed out %s, holdoff %s, descendants done %s -> %s",
    (state, timedOut, holdoff, done, expected) => {
      const t = 500;
      const change = nextState(
        {
          state,
          result: null,
          timeout: timedOut ? 400 : 600,
          holdoff: holdoff === "none" ? null : holdoff === "past" ? 450 : 550,
          descendantsDone: done,
        },
        t,
      );
      expect(change?.state ?? null).toBe(expected);
    },
  );

  it("finds descendants at every depth, not only children", () => {
    const nodes = [
      { id: "c", parent: null },
      { id: "b1", parent: "c" },
      { id: "t1", parent: "b1" },
      { id: "other", parent: null },
    ];
    expect(descendantsOf("c", nodes).map((n) => n.id)).toEqual(["b1", "t1"]);
    expect(descendantsOf("t1", nodes)).toEqual([]);
  });
});
