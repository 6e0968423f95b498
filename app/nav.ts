import type { MessageKey } from "./i18n";

type Audience = "anyone" | "signed-in" | "citizen" | "delegate" | "clerk" | "admin";

export interface NavItem {
  to: string;
  label: MessageKey;
  audience: Audience;
}

/** The navigation, by role. A page appears here when the role can use it. */
export const NAV: NavItem[] = [
  { to: "/", label: "nav.home", audience: "anyone" },
  { to: "/matters", label: "nav.matters", audience: "anyone" },
  { to: "/rulings", label: "nav.rulings", audience: "anyone" },
  { to: "/graph", label: "nav.graph", audience: "anyone" },
  { to: "/ledger/polity", label: "nav.ledger", audience: "anyone" },
  { to: "/values", label: "nav.values", audience: "citizen" },
  { to: "/rooms", label: "nav.rooms", audience: "delegate" },
  { to: "/desk", label: "nav.desk", audience: "clerk" },
  { to: "/merges", label: "nav.merges", audience: "clerk" },
  { to: "/admin", label: "nav.users", audience: "admin" },
  { to: "/admin/registry", label: "nav.registry", audience: "admin" },
  { to: "/account", label: "nav.account", audience: "signed-in" },
];

export function navFor(roles: readonly string[] | null): NavItem[] {
  return NAV.filter((item) => {
    if (item.audience === "anyone") return true;
    if (!roles) return false;
    return item.audience === "signed-in" || roles.includes(item.audience);
  });
}
