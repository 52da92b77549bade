import { createHmac } from "node:crypto";
import { parse } from "smol-toml";
import { renderStorageConfig, storageToken } from "../../components/storage";

describe("kernelci-storage", () => {
  it("issues an HS256 token with the uploader's email that verifies with the JWT secret", () => {
    const token = storageToken("s3cr3t", "pipeline@kernelci.org");
    const [header, claims, signature] = token.split(".");
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ typ: "JWT", alg: "HS256" });
    expect(JSON.parse(Buffer.from(claims, "base64url").toString())).toEqual({
      email: "pipeline@kernelci.org",
    });
    expect(signature).toBe(createHmac("sha256", "s3cr3t").update(`${header}.${claims}`).digest("base64url"));
  });

  it("renders config.toml for the local and azure drivers, with the SAS token src/azure.rs reads (kernelci-storage)", () => {
    const local = parse(renderStorageConfig({ driver: "local", jwtSecret: "j", uploader: "u@x.org" }));
    expect(local).toMatchObject({
      driver: "local",
      jwt_secret: "j",
      local: { storage_path: "/workdir/storage" },
    });
    expect(local.users).toEqual([{ name: "u@x.org", prefixes: [""] }]);
    const azure = parse(
      renderStorageConfig({
        driver: "azure",
        jwtSecret: "j",
        uploader: "u@x.org",
        azure: { account: "acc", container: "c", key: "k", sasToken: "?sv=1" },
      }),
    );
    expect(azure).toMatchObject({
      driver: "azure",
      azure: { account: "acc", key: "k", container: "c", sastoken: "?sv=1" },
    });
    expect(azure.local).toBeUndefined();
  });
});
