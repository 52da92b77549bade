import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { KernelciApiError, kernelciApi, nodeTree } from "../../lib/kernelci/api";
import { type Simulator, startSimulator } from "../../local/kernelciSimulator/server";
import { REFERENCE_CHECKOUT_ID } from "../../local/kernelciSimulator/store";

describe("the KernelCI API client", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ token: "t0k", scenario: "regression" });
  });
  afterAll(() => sim.close());

  it("follows limit/offset pagination to the last page", async () => {
    const api = kernelciApi({ baseUrl: `${sim.url}/`, token: "t0k", timeoutMs: 5000, pageSize: 3 });
    const tests = await api.nodes({ kind: "test" });
    expect(tests).toHaveLength(20);
    expect(new Set(tests.map((n) => n.id)).size).toBe(20);
  });

  it("reads a node and its whole tree", async () => {
    const api = kernelciApi({ baseUrl: sim.url, token: "t0k", timeoutMs: 5000 });
    const ref = await api.node(REFERENCE_CHECKOUT_ID);
    const tree = await nodeTree(api, ref);
    expect(tree).toHaveLength(25);
  });

  it("names the URL and the status when the API refuses, with a hint for a bad token", async () => {
    const api = kernelciApi({ baseUrl: sim.url, token: "wrong", timeoutMs: 5000 });
    const failure = api.nodes({ kind: "checkout" });
    await expect(failure).rejects.toThrow(KernelciApiError);
    await expect(failure).rejects.toThrow(
      new RegExp(
        `GET ${sim.url}/latest/nodes\\?kind=checkout&limit=250&offset=0 answered 401 \\(check kernelci:secrets.apiToken\\)`,
      ),
    );
    const missing = kernelciApi({ baseUrl: sim.url, token: "t0k", timeoutMs: 5000 }).node("f".repeat(24));
    await expect(missing).rejects.toMatchObject({
      status: 404,
      url: `${sim.url}/latest/node/${"f".repeat(24)}`,
    });
  });

  it("gives up on an API that does not answer, saying after how long", async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const api = kernelciApi({ baseUrl: url, token: "t", timeoutMs: 100 });
      await expect(api.node("a".repeat(24))).rejects.toThrow(
        `KernelCI API GET ${url}/latest/node/${"a".repeat(24)} failed: no answer within 100 ms`,
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
