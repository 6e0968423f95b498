import { describe, expect, it } from "vitest";
import { say } from "../../deliberation/protocol/statements.js";

/** What a representative says of a candidate agrees with the stance shown beside it. */
describe("a representative's assessment of a candidate", () => {
  const counts = { honoured: 1, eroded: 0, of: 3, share: 0.25 };

  it("says 'not as it stands' beside 'asks for amendments', and a flat no only when it opposes", () => {
    expect(say.assessment("en", counts, false, null, "amend")).toMatch(/We cannot accept it as it stands; the amendments we ask for would change that\.$/);
    expect(say.assessment("en", counts, false, null, "oppose")).toMatch(/ We cannot accept it\.$/);
    expect(say.assessment("en", counts, true, null, "support")).toMatch(/ We can accept it\.$/);
    expect(say.assessment("et", counts, false, null, "amend")).toMatch(/Praegusel kujul me sellega nõustuda ei saa; meie palutud muudatused muudaksid seda\.$/);
    expect(say.assessment("ru", counts, false, null, "amend")).toMatch(
      /В нынешнем виде принять это мы не можем; изменения, о которых мы просим, это исправили бы\.$/u,
    );
  });

  it("reads an approval as acceptance whatever the stance, and a refusal without a stance as a no", () => {
    expect(say.assessment("en", counts, true, null, "amend")).toMatch(/ We can accept it\.$/);
    expect(say.assessment("en", counts, false, null)).toMatch(/ We cannot accept it\.$/);
  });
});
