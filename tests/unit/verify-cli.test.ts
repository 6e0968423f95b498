import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { cardProof, cardTrees } from "../../deliberation/provenance.js";
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
    // Her card's proof (a version 2 bundle needs it for her card): a missing file is bad usage, one that is not JSON a failure.
    expect(await run("verify", file, "--card", "c", "--card-proof", join(dir, "no-proof.json"))).toMatchObject({
      code: 2,
      out: expect.stringMatching(/^Cannot read .*no-proof\.json/),
    });
    const garbled = join(dir, "garbled-proof.json");
    writeFileSync(garbled, "{ not json");
    expect(await run("verify", file, "--card-proof", garbled)).toMatchObject({ code: 1, out: expect.stringMatching(/^That file is not JSON/) });
  });

  it("speaks Russian when LANG says so, keeping its first two columns for scripts", async () => {
    vi.stubEnv("LC_ALL", "");
    vi.stubEnv("LANG", "ru_RU.UTF-8");
    try {
      const file = join(dir, "empty-ru.json");
      writeFileSync(file, "{}");
      const { code, out } = await run("verify", file);
      expect(code).toBe(1);
      const lines = out.split("\n");
      expect(lines[0]).toMatch(/^FAIL \S+\s+Это не пакет происхождения Agora/);
      expect(lines.at(-1)).toBe("НЕ ПРОВЕРЕНО: как минимум одна проверка не пройдена.");
      expect(await run("verify", join(dir, "missing.json"))).toMatchObject({ code: 2, out: expect.stringMatching(/^Не удаётся прочитать .*missing\.json/) });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("gives its usage line in the language of LANG too", async () => {
    expect(await run("verify")).toMatchObject({
      code: 2,
      out: "usage: agora verify BUNDLE.json [--card CARD_ID] [--card-proof CARD_PROOF.json] [--key REGISTRY_KEY.pem]",
    });
    vi.stubEnv("LC_ALL", "");
    try {
      vi.stubEnv("LANG", "ru_RU.UTF-8");
      expect(await run("check")).toMatchObject({ code: 2, out: expect.stringMatching(/^использование: agora verify ПАКЕТ\.json \[--card ИД_КАРТОЧКИ\]/) });
      vi.stubEnv("LANG", "et_EE.UTF-8");
      expect(await run("verify", "--card", "x")).toMatchObject({ code: 2, out: expect.stringMatching(/^kasutamine: agora verify KIMP\.json/) });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("checks a card of a version 2 bundle with her card's proof against the root the bundle publishes, and fails without it", async () => {
    const eli = "/eli/demo/ruling/2026/1";
    const card = "card-7";
    const [tree, ...none] = cardTrees(["card-1", card, "card-3", "card-9", "card-2"].map((c) => ({ card: c, constituency: "tartu", value: "v1" })));
    expect(none).toEqual([]);
    expect(tree!.cards).toEqual(["card-1", "card-2", "card-3", "card-7", "card-9"]);
    const proof = cardProof(eli, "tartu", "v1", tree!.cards, card)!;
    expect(proof).toMatchObject({ card, count: 5, index: 3 });
    expect(cardProof(eli, "tartu", "v1", tree!.cards, "card-4")).toBeNull();
    // Only the card check matters here: the rest of this bundle is a shell.
    const envelope = {
      bundle: {
        version: 2,
        ledger: { events: [], head: "x" },
        ruling: { eli, text: "t", textHash: "h" },
        ballot: { ballot: 1 },
        mandates: [{ label: "Tartu", constituencyId: "tartu", mandate: { values: [{ valueId: "v1", weight: 0.25 }] } }],
        cardTrees: [{ constituencyId: "tartu", valueId: "v1", count: tree!.count, root: tree!.root }],
      },
      proof: { leafIndex: 0, treeSize: 1, path: [] },
      checkpoint: { log: "l", size: 1, root: "00", keyId: "k", signature: "" },
    };
    const bundleFile = join(dir, "v2.json");
    writeFileSync(bundleFile, JSON.stringify(envelope));
    const cardLine = (out: string) => out.split("\n").find((l) => / card /.test(l));
    const proofFile = join(dir, "proof.json");
    writeFileSync(proofFile, JSON.stringify(proof));
    expect(cardLine((await run("verify", bundleFile, "--card", card, "--card-proof", proofFile)).out)).toBe(
      "ok   card     Card card-7's value is in the mandate of Tartu, with weight 25.0 %.",
    );
    // The card id may come from the proof alone.
    expect(cardLine((await run("verify", bundleFile, "--card-proof", proofFile)).out)).toMatch(/^ok {3}card/);
    expect(cardLine((await run("verify", bundleFile, "--card", card)).out)).toMatch(/^FAIL card +No proof places this card/);
    expect(cardLine((await run("verify", bundleFile, "--card", "card-1", "--card-proof", proofFile)).out)).toMatch(/^FAIL card .*does not place it/);
    const moved = join(dir, "moved.json");
    writeFileSync(moved, JSON.stringify({ ...proof, index: 2 }));
    expect(cardLine((await run("verify", bundleFile, "--card", card, "--card-proof", moved)).out)).toMatch(/^FAIL card .*does not place it/);
  });
});
