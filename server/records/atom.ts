import { type PublicRuling, type RecordsSettings, absolute, lastActAt, rulingLinks, standing } from "./types.js";
import { el, xmlDocument } from "./xml.js";

/**
 * The registry's Atom feed (RFC 4287). The feed and each entry carry id, title, updated and author (the
 * polity) and links; an entry is the ruling at its ELI, `updated` is the time of the last act on it
 * (publication, renewal, repeal or lapse: each a leaf of the log), and its status is a category and
 * its summary. Entries come newest act first.
 */

const ATOM = "http://www.w3.org/2005/Atom";

/** The scheme of the status categories: the registry's list of statuses. */
const statusScheme = (settings: RecordsSettings) => absolute(settings, "/rulings#status");

function author(settings: RecordsSettings) {
  return el("author", {}, el("name", {}, settings.polityName), el("uri", {}, absolute(settings, "/")));
}

function entry(settings: RecordsSettings, ruling: PublicRuling) {
  const links = rulingLinks(settings, ruling);
  return el(
    "entry",
    // The entry's language is the ruling's: its title and text are written in it.
    { "xml:lang": ruling.language },
    el("id", {}, links.page),
    el("title", { type: "text" }, ruling.title),
    el("updated", {}, lastActAt(ruling)),
    el("published", {}, ruling.publishedAt),
    author(settings),
    el("link", { rel: "alternate", type: "text/html", href: links.page }),
    el("link", { rel: "alternate", type: "application/akn+xml", href: links.akn }),
    el("link", { rel: "related", type: "application/json", href: links.bundle }),
    el("category", { scheme: statusScheme(settings), term: ruling.status, label: settings.t(`rulings.status.${ruling.status}`) }),
    el("summary", { type: "text" }, standing(settings.t, ruling)),
  );
}

/** The feed of the given rulings (newest act first). `now` is its `updated` when it has no entry. */
export function atomFeed(settings: RecordsSettings, rulings: readonly PublicRuling[], now: string): string {
  const updated = rulings.map(lastActAt).sort().at(-1) ?? now;
  return xmlDocument(
    el(
      "feed",
      { xmlns: ATOM },
      el("id", {}, absolute(settings, "/rulings")),
      el("title", { type: "text" }, settings.t("records.feedTitle", { polity: settings.polityName })),
      el("updated", {}, updated),
      author(settings),
      el("link", { rel: "self", type: "application/atom+xml", href: absolute(settings, "/rulings.atom") }),
      el("link", { rel: "alternate", type: "text/html", href: absolute(settings, "/rulings") }),
      el("generator", { uri: absolute(settings, "/") }, "Agora"),
      rulings.map((r) => entry(settings, r)),
    ),
  );
}
