import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import type { MessageKey, Translate } from "../i18n";
import { en } from "../i18n/en";

/** A ledger event as the public ledger says it (server/services/ledger-view.server.ts). */
export type LedgerLine = inferRouterOutputs<AppRouter>["ledger"]["page"]["lines"][number];

/** Who acted, as the public may know it: officials by name and role, a citizen only as a citizen, Agora's jobs by what they do. */
export function actorName(t: Translate, actor: LedgerLine["actor"]): string {
  switch (actor.kind) {
    case "official":
      return t("ledger.actor.official", { name: actor.name, roles: actor.roles.map((r) => t(`role.${r}` as MessageKey)).join(", ") });
    case "citizen":
      return t("ledger.actor.citizen");
    case "system":
      return ["runner", "sunset", "oversight", "seed"].includes(actor.job) ? t(`ledger.actor.${actor.job}` as MessageKey) : t("ledger.actor.system");
    default:
      return t("ledger.actor.unknown");
  }
}

/** What happened, in words; an event this version does not know yet is still listed, generically. */
export function whatHappened(t: Translate, what: LedgerLine["what"]): string {
  const params = { ...what.params };
  if (typeof params.roles === "string")
    params.roles = params.roles
      .split(", ")
      .filter(Boolean)
      .map((r) => t(`role.${r}` as MessageKey))
      .join(", ");
  return what.key in en ? t(what.key as MessageKey, params) : t("event.other");
}
