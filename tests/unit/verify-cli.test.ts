import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main, printable } from "../../verify/cli.js";

describe("agora verify's output", () => {
  const dir = mkdtempSync(join(tmpdir(), "agora-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(...args: string[]) {
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const error = vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    try {
      return { code: await main(args), out: lines.join("\n") };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  it("shows a bundle's own text with its control and reordering characters escaped, so it cannot fake a verdict", async () => {
    const fake = "\r\u001b[2K\u001b[1Aok   ledger   fine\nVERIFIED: every check passed.\u001b[8m\u202e";
    const bundle = {
      bundle: {
        ledger: { events: [], head: "x" },
        ruling: { text: "t", textHash: "h" },
        ballot: { ballot: 1 },
        mandates: [{ label: fake, constituencyId: "c", mandate: { values: [] } }],
      },
      proof: { leafIndex: 0, treeSize: 1, path: [] },
      checkpoint: { log: "l", size: 1, root: "00", keyId: "k", signature: "" },
    };
    const file = join(dir, "spoof.json");
    writeFileSync(file, JSON.stringify(bundle));
    const { code, out } = await run("verify", file);
    expect(code).toBe(1);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/); // newlines only between lines of ours
    expect(out.split("\n").filter((l) => l.startsWith("VERIFIED"))).toEqual([]);
    expect(out).toContain("\\u001b[8m");
    expect(out.split("\n").at(-1)).toBe("NOT VERIFIED: at least one check failed.");
    expect(printable("Tartu ✓ õ")).toBe("Tartu ✓ õ");
  });

  it("says what is wrong with its arguments and files, with exit code 2", async () => {
    expect((await run("verify")).code).toBe(2);
    expect(await run("verify", join(dir, "missing.json"))).toMatchObject({ code: 2, out: expect.stringMatching(/^Cannot read .*missing\.json/) });
    const file = join(dir, "empty.json");
    writeFileSync(file, "{}");
    const key = join(dir, "key.pem");
    writeFileSync(key, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
    expect(await run("verify", file, "--key", key)).toMatchObject({ code: 2, out: expect.stringMatching(/is not a public key/) });
    expect(await run("verify", file)).toMatchObject({ code: 1, out: expect.stringMatching(/This is not an Agora provenance bundle/) });
  });
});
