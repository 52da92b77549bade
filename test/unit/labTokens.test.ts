import { jenkinsLabCredentials, labTokenFiles } from "../../components/labTokens";

describe("lab tokens", () => {
  const tokens = { "lava-x": { token: "T", callbackToken: "C" } };

  it("become files of a Secret and placeholders in Jenkins' configuration", () => {
    expect(labTokenFiles(tokens)).toEqual({ "lava-x-token": "T", "lava-x-callback-token": "C" });
    expect(jenkinsLabCredentials(["lava-x"])).toEqual([
      expect.objectContaining({
        string: expect.objectContaining({ id: "lava-x-token", secret: "$" + "{lava-x-token}" }),
      }),
      expect.objectContaining({
        string: expect.objectContaining({
          id: "lava-x-callback-token",
          secret: "$" + "{lava-x-callback-token}",
        }),
      }),
    ]);
  });
});
