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

const DAY_MS = 86_400_000;
const FIRST_BIRTH_DAY = Date.UTC(1925, 0, 1);
/** Birth days from 1925-01-01 on (30,000 days: up to 2007-02-18, so everyone is of age). */
const BIRTH_DAYS = 30_000;
/** Prime and coprime with BIRTH_DAYS: consecutive citizens are born years apart, every day is used. */
const DAY_STRIDE = 7_919;
/** Distinct codes the factory can make: a serial 000–999 per birth day and sex. */
export const PERSONAL_CODE_CAPACITY = BIRTH_DAYS * 1000 * 2;

/**
 * A valid Estonian-style personal code: sex and century, birth date, a 3-digit serial and the check
 * digit. Without `born`, index → (sex, birth day, serial) is one-to-one below PERSONAL_CODE_CAPACITY,
 * so no two citizens of any census share a code; with `born`, the serial is the index's last 3 digits.
 */
export function personalCode(index: number, born?: Date): string {
  let serial: number;
  if (born) {
    serial = index % 1000;
  } else {
    if (!Number.isSafeInteger(index) || index < 0 || index >= PERSONAL_CODE_CAPACITY) {
      throw new RangeError(`personalCode: index ${index} is outside 0..${PERSONAL_CODE_CAPACITY - 1}`);
    }
    const pair = Math.floor(index / 2);
    serial = Math.floor(pair / BIRTH_DAYS);
    born = new Date(FIRST_BIRTH_DAY + ((pair * DAY_STRIDE) % BIRTH_DAYS) * DAY_MS);
  }
  const year = born.getUTCFullYear();
  const female = index % 2 === 0;
  const century = year >= 2000 ? (female ? 6 : 5) : year >= 1900 ? (female ? 4 : 3) : female ? 2 : 1;
  const body =
    String(century) +
    String(year % 100).padStart(2, "0") +
    String(born.getUTCMonth() + 1).padStart(2, "0") +
    String(born.getUTCDate()).padStart(2, "0") +
    String(serial).padStart(3, "0");
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
