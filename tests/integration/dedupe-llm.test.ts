import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScriptedServer, startScriptedServer } from "../../deliberation/llm/scripted-server.js";
import { sameValue } from "../../deliberation/values/dedupe.js";
import { dialects, signInAs, startTestServer, type TestServer } from "../support/database.js";

/** One value in English and in Estonian: they share no word, only concepts. */
const ENGLISH = {
  title: "Deleting my data when it is no longer needed",
  description: "Once my case is closed, the office should erase what it gathered about me.",
  policies: ["WAYS to have my data deleted", "MOMENTS when old data about me is still stored"],
};
const ESTONIAN = {
  title: "Andmete kustutamine, kui neid enam ei vajata",
  description: "Kui mu asi on lõpetatud, peaks amet minu kohta kogutu kustutama.",
  policies: ["VIISID lasta oma andmed kustutada", "HETKED, kui vanu andmeid minu kohta hoitakse alles"],
};

/** With a model, an English and an Estonian card of one value merge only when the `values.same` judge says so. */
describe.each(dialects())("dedupe across languages with a language model on %s", (dialect) => {
  let model: ScriptedServer;
  let t: TestServer;
  let judgeSays = false;

  beforeAll(async () => {
    model = await startScriptedServer({
      respond: (request) => {
        switch (request.task) {
          case "values.classify":
            return { json: { verdict: "value", reason: "The model reads this as a value.", signals: ["model.value"] } };
          case "values.same":
            return { json: { same: judgeSays, reason: judgeSays ? "Both ask for deletion once data is not needed." : "The model keeps them apart." } };
          case "values.upgradeStory":
            return { json: { story: "I used to think of one of these values; now I also see the other." } };
          default:
            return { status: 400, message: `unexpected task ${request.task}` };
        }
      },
    });
    t = await startTestServer(dialect, { llm: { baseUrl: model.url, apiKey: "test-key" } });
    const createdAt = new Date().toISOString();
    await t.server.deps.db
      .insertInto("contexts")
      .values([
        { id: "records-a", title: "Public records", titleEt: "Avalikud registrid", description: "Records the state keeps.", createdAt },
        { id: "records-b", title: "Public records (b)", titleEt: null, description: "Records the state keeps.", createdAt },
      ])
      .execute();
  });
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  it("does not merge when the judge says no, though the offline rule would", async () => {
    expect(sameValue(ENGLISH, ESTONIAN).same).toBe(true);
    const [founder, other] = await Promise.all([signInAs(t.url, "citizen4@demo.agora"), signInAs(t.url, "citizen5@demo.agora")]);
    const first = await founder.mutate("values.submit", { contextId: "records-a", ...ENGLISH });
    expect(first.data.canonical).toMatchObject({ joined: false });
    judgeSays = false;
    const second = await other.mutate("values.submit", { contextId: "records-a", ...ESTONIAN });
    expect(second.data.canonical).toMatchObject({ joined: false });
    expect(second.data.canonical.id).not.toBe(first.data.canonical.id);
    // The judge was asked, with both cards in full, descriptions included.
    const asked = model.received.filter((r) => r.task === "values.same").at(-1);
    expect(asked?.data).toMatchObject({
      a: { title: ESTONIAN.title, description: ESTONIAN.description },
      b: { title: ENGLISH.title, description: ENGLISH.description },
    });
  });

  it("merges when the judge says yes", async () => {
    const [founder, other] = await Promise.all([signInAs(t.url, "citizen6@demo.agora"), signInAs(t.url, "citizen7@demo.agora")]);
    const first = await founder.mutate("values.submit", { contextId: "records-b", ...ENGLISH });
    judgeSays = true;
    const second = await other.mutate("values.submit", { contextId: "records-b", ...ESTONIAN });
    expect(second.data.canonical).toMatchObject({ id: first.data.canonical.id, joined: true });
  });
});
