import { personalCodeCheckDigit } from "../deliberation/registry.js";

/**
 * Builders of realistic registry data, shared by the demo seed and the tests.
 * Deterministic: the same index always gives the same person.
 */
const FIRST_NAMES = [
  "Mari",
  "Jaan",
  "Liis",
  "Kristjan",
  "Kadri",
  "Andres",
  "Triin",
  "Margus",
  "Piret",
  "Toomas",
  "Kati",
  "Rein",
  "Anu",
  "Urmas",
  "Maarja",
  "Priit",
  "Helen",
  "Siim",
  "Eva",
  "Tarmo",
  "Ülle",
  "Jüri",
  "Merike",
  "Aivar",
];
const SURNAMES = [
  "Tamm",
  "Saar",
  "Sepp",
  "Mägi",
  "Kask",
  "Kukk",
  "Rebane",
  "Ilves",
  "Pärn",
  "Koppel",
  "Lepp",
  "Kuusk",
  "Karu",
  "Lill",
  "Vaher",
  "Põder",
  "Kivi",
  "Järv",
  "Raud",
  "Org",
];

export const DEMO_DISTRICTS = ["Tartu", "Tallinn", "Ida-Viru"] as const;

/** A valid Estonian-style personal code for a person born on the given day. */
export function personalCode(index: number, born = new Date(Date.UTC(1960 + (index % 45), index % 12, 1 + (index % 28)))): string {
  const year = born.getUTCFullYear();
  const female = index % 2 === 0;
  const century = year >= 2000 ? (female ? 6 : 5) : female ? 4 : 3;
  const body =
    String(century) +
    String(year % 100).padStart(2, "0") +
    String(born.getUTCMonth() + 1).padStart(2, "0") +
    String(born.getUTCDate()).padStart(2, "0") +
    String(index % 1000).padStart(3, "0");
  return body + String(personalCodeCheckDigit(body));
}

export interface CitizenFixture {
  index: number;
  personalCode: string;
  fullName: string;
  district: string;
  email: string;
}

/** Citizen number `index` (1-based) of the demo polity: districts in turn, so each holds a third. */
export function demoCitizen(index: number): CitizenFixture {
  const zero = index - 1;
  return {
    index,
    personalCode: personalCode(index),
    fullName: `${FIRST_NAMES[zero % FIRST_NAMES.length]} ${SURNAMES[(zero * 7 + Math.floor(zero / FIRST_NAMES.length)) % SURNAMES.length]}`,
    district: DEMO_DISTRICTS[zero % DEMO_DISTRICTS.length]!,
    email: `citizen${index}@demo.agora`,
  };
}

export function registryCsv(citizens: readonly CitizenFixture[]): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = citizens.map((c) => [c.personalCode, c.fullName, c.district, c.email].map(quote).join(","));
  return ["personal_code,full_name,district,email", ...lines].join("\n") + "\n";
}
