import { demoCitizen, registryCsv } from "../../db/factories.js";
import { DEMO_PASSWORD } from "../../db/seed.js";
import { POLITY_STREAM } from "../../deliberation/ledger.js";
import type { Access } from "../../server/trpc/init.server.js";
import { REGISTRY_MAX_BYTES } from "../../server/trpc/routers/admin.server.js";
import { appRouter } from "../../server/trpc/router.server.js";

export interface ProcedureInfo {
  /** Dotted path, as in the URL: "admin.setRoles". */
  path: string;
  access: Access | undefined;
  type: "query" | "mutation" | "subscription";
}

/** Every procedure of the application API, read from the router itself so none can be forgotten. */
export function allProcedures(): ProcedureInfo[] {
  // Typed as the nested router record, but at run time a flat record keyed by dotted path.
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureInfo["type"]; meta?: { access?: Access } } }>;
  return Object.entries(procedures).map(([path, procedure]) => ({ path, access: procedure._def.meta?.access, type: procedure._def.type }));
}

/**
 * One VALID input per tRPC procedure, keyed by its dotted path. The access suite calls every
 * procedure with these, and the bad-input suite breaks them field by field. A procedure without an
 * entry here fails both suites: whoever adds a procedure adds its sample.
 */
export interface SampleContext {
  /** A user no test relies on, safe to change the roles of. */
  throwawayUserId: string;
  /** A number no other call in this run has had, for fresh emails and registry entries. */
  unique: number;
}

export interface ProcedureSample {
  /** The input, or undefined for a procedure that takes none. Built per call so side effects don't collide. */
  input: ((context: SampleContext) => Record<string, unknown>) | undefined;
  /** Fields the input may leave out (optional or defaulted). */
  optional?: readonly string[];
  /** Declared maximum lengths of string fields that allow more than 1,000,000 characters. */
  maxLength?: Readonly<Record<string, number>>;
  /** Arrays of free identifiers: any short string is well-formed there (whether it names something is the service's 404). */
  freeArrays?: readonly string[];
  /** Calling it ends the caller's session (sign-out, and sign-in or sign-up, which replace it): the suites give it a session of its own. */
  endsSession?: true;
}

/** A choice context of the demo polity (db/demo-values.ts). */
const SAMPLE_CONTEXT = "ai-decisions-about-people";

/** Registry indexes 13..72 are in the demo registry without an account; the samples sign up from 50 on. */
export const SIGN_UP_FIRST_INDEX = 50;

export const PROCEDURE_SAMPLES: Readonly<Record<string, ProcedureSample>> = {
  "auth.me": { input: undefined },
  "auth.profile": { input: undefined },
  // Signing in (or up) from a browser that has a session ends that session first.
  "auth.signIn": { input: () => ({ email: "citizen2@demo.agora", password: DEMO_PASSWORD }), endsSession: true },
  "auth.signUp": {
    input: ({ unique }) => {
      const citizen = demoCitizen(SIGN_UP_FIRST_INDEX + (unique % 20));
      return { email: citizen.email, password: "a long enough password", displayName: citizen.fullName, personalCode: citizen.personalCode };
    },
    optional: ["personalCode"],
    endsSession: true,
  },
  "auth.signOut": { input: undefined, endsSession: true },
  "auth.signInOptions": { input: undefined },
  // Without OIDC_* configured (as in these suites) both answer 404 after their input is checked.
  "auth.oidcBegin": { input: () => ({ origin: "http://127.0.0.1:3000", next: "/values" }) },
  "auth.oidcComplete": { input: () => ({ query: { code: "c", state: "s" }, flow: "a.b.c" }), optional: ["flow"], endsSession: true },
  "auth.setLocale": { input: () => ({ locale: "en" }) },
  "admin.users": { input: () => ({ query: "demo", limit: 10, offset: 0 }), optional: ["query", "limit", "offset"] },
  "admin.setRoles": { input: ({ throwawayUserId }) => ({ userId: throwawayUserId, roles: ["citizen"] }) },
  "admin.importRegistry": {
    input: () => ({ fileName: "sample.csv", csv: registryCsv([demoCitizen(300), demoCitizen(301)]) }),
    maxLength: { csv: REGISTRY_MAX_BYTES },
  },
  "admin.registry": { input: undefined },
  // A file the census page received is named by its upload; none by this name exists (a 404, after the door).
  "admin.startRegistryImport": { input: () => ({ fileName: "sample.csv", upload: "no-such-upload.csv" }) },
  "admin.registryImport": { input: () => ({ id: "no-such-import" }) },
  "desk.overview": { input: undefined },
  "ledger.read": { input: () => ({ stream: POLITY_STREAM, afterSeq: 0, limit: 10 }), optional: ["afterSeq", "limit"] },
  "ledger.page": { input: () => ({ stream: POLITY_STREAM }) },
  "ledger.verify": { input: () => ({ stream: POLITY_STREAM }) },
  "room.list": { input: undefined },
  "rulings.list": {
    input: () => ({ q: "label", status: "in-force", emergency: true, limit: 10 }),
    optional: ["q", "status", "contextId", "emergency", "from", "to", "limit"],
  },
  "rulings.get": { input: () => ({ eli: "/eli/demo/ruling/2026/999" }) },
  "rulings.bundle": { input: () => ({ id: "no-such-ruling" }) },
  "rulings.page": { input: () => ({ limit: 10 }), optional: ["cursor", "limit"] },
  "rulings.atom": { input: undefined },
  "rulings.akn": { input: () => ({ eli: "/eli/demo/ruling/2026/999" }) },
  "rulings.eliMetadata": { input: () => ({ eli: "/eli/demo/ruling/2026/999" }) },
  "rulings.cardProof": { input: () => ({ id: "no-such-ruling", card: "no-such-card" }) },
  "rulings.checkpoint": { input: undefined },
  "rulings.consistency": { input: () => ({ first: 1, second: 2 }) },
  "rulings.publish": { input: () => ({ id: "no-such-matter", textHash: "0".repeat(64) }) },
  "rulings.renew": { input: () => ({ eli: "/eli/demo/ruling/2026/999", days: 90 }), optional: ["days"] },
  "rulings.reportHarm": {
    input: () => ({ eli: "/eli/demo/ruling/2026/999", what: "The tutor recorded my child's voice without asking us.", valueIds: ["some-value"] }),
    freeArrays: ["valueIds"],
  },
  "rulings.harm": { input: () => ({ eli: "/eli/demo/ruling/2026/999" }) },
  "rulings.forReview": { input: undefined },
  "rulings.repeal": { input: () => ({ eli: "/eli/demo/ruling/2026/999", reason: "Harm reports showed it failed." }) },
  "room.pause": { input: () => ({ id: "no-such-matter", reason: "Checking the mandates." }), optional: ["reason"] },
  "room.resume": { input: () => ({ id: "no-such-matter" }) },
  "room.guide": { input: () => ({ id: "no-such-matter", text: "Keep the rule short." }) },
  "room.override": {
    input: () => ({
      id: "no-such-matter",
      statement: { kind: "critique", round: 1, representativeId: "community:1", candidateId: "r1c2" },
      text: "The delegate's words.",
    }),
  },
  "room.strike": { input: () => ({ id: "no-such-matter", statement: { kind: "position", representativeId: "district:tartu" }, reason: "Off the matter." }) },
  "room.receipt": { input: () => ({ id: "no-such-matter" }) },
  "room.amend": { input: () => ({ id: "no-such-matter", slot: 0, text: "The amended clause is read before the ballot." }) },
  "room.returnDraft": { input: () => ({ id: "no-such-matter", guidance: "Another round, please." }), optional: ["guidance"] },
  "room.audit": { input: () => ({ id: "no-such-matter", seq: 1 }) },
  "room.ballot": { input: () => ({ id: "no-such-matter" }) },
  "room.openBallot": { input: () => ({ id: "no-such-matter" }) },
  "room.vote": { input: () => ({ id: "no-such-matter", choice: "ratify", reason: "It honours our values." }), optional: ["reason"] },
  "room.closeBallot": { input: () => ({ id: "no-such-matter" }) },
  "room.returnBallot": { input: () => ({ id: "no-such-matter", guidance: "Look again at satire." }), optional: ["guidance"] },

  // Values and the moral graph. Ids that name nothing are still valid input (the answer is a 404).
  "values.contexts": { input: undefined },
  "values.submit": {
    input: () => ({
      contextId: SAMPLE_CONTEXT,
      title: "Contestable automated decisions",
      description: "When a system decides about me, I want to be able to see why and push back.",
      policies: ["MOMENTS when a person realizes a machine decided about them", "WAYS to reach a human who can change the outcome"],
      revisionOf: "no-such-card",
    }),
    optional: ["revisionOf"],
  },
  "values.draft": {
    input: () => ({
      contextId: SAMPLE_CONTEXT,
      choice: "Whether to appeal a benefits decision a computer made about my mother",
      noticed: "Whether anyone could tell us why, and whether a person would listen",
      mattered: "Being heard by someone who can change it",
    }),
  },
  "values.withdraw": { input: () => ({ cardId: "no-such-card" }) },
  "values.mine": { input: undefined },
  "values.progress": { input: undefined },
  "values.toEndorse": { input: () => ({ contextId: SAMPLE_CONTEXT, limit: 6 }), optional: ["limit"] },
  "values.endorse": { input: () => ({ canonicalId: "no-such-value" }) },
  "values.pairs": { input: () => ({ contextId: SAMPLE_CONTEXT, limit: 3 }), optional: ["limit"] },
  "values.judge": { input: () => ({ pairId: "no-such-pair", answer: "wiser", why: "It sees the person behind the case." }), optional: ["why"] },
  "values.merges": { input: () => ({ contextId: SAMPLE_CONTEXT, limit: 50 }), optional: ["contextId", "limit"] },
  "values.split": { input: () => ({ cardId: "no-such-card", reason: "These are two different values." }) },
  "graph.view": { input: () => ({ contextId: SAMPLE_CONTEXT }) },
  "exports.pages": { input: () => ({ kind: "values" }) },

  // Matters. A draft is opened for real by the clerk's sample; ids that name nothing are valid input.
  "matters.list": { input: () => ({ status: ["intake"], limit: 10 }), optional: ["status", "limit"] },
  "matters.get": { input: () => ({ id: "no-such-matter" }) },
  "matters.openIntakes": { input: undefined },
  "matters.open": {
    input: () => ({
      title: "Real-time biometric identification in public spaces",
      clauses: [
        "Real-time remote biometric identification in publicly accessible spaces is prohibited.",
        "The police may use it only to find a named missing child, with a court's approval.",
      ],
      language: "en",
      contextId: "no-such-context",
      rationale: "Cameras with face recognition are being installed in two cities.",
      emergency: true,
      intakeHours: 48,
      rounds: 3,
      candidates: 4,
      approvalThreshold: 0.6,
      startIntake: true,
      amendsEli: "/eli/demo/ruling/2026/999",
    }),
    optional: ["sunsetDays", "amendsEli"],
  },
  "matters.openIntake": { input: () => ({ id: "no-such-matter" }) },
  "matters.addAlternative": {
    input: () => ({ matterId: "no-such-matter", clause: 2, text: "The police may use it only to find a named missing child, for at most 24 hours." }),
  },
  "matters.removeAlternative": { input: () => ({ matterId: "no-such-matter", optionId: "no-such-option" }) },
  "matters.proposeAmendment": {
    input: () => ({
      matterId: "no-such-matter",
      action: "add",
      clause: 2,
      text: "No system may identify people taking part in an assembly or a demonstration.",
      cardId: "no-such-card",
    }),
    optional: ["text"],
  },
  "matters.withdrawAmendment": { input: () => ({ matterId: "no-such-matter", optionId: "no-such-option" }) },
  "matters.myAmendments": { input: () => ({ matterId: "no-such-matter" }) },
  "matters.convene": { input: () => ({ id: "no-such-matter", scheme: "districts", confirmEarly: true }), optional: ["confirmEarly"] },
  "matters.convening": { input: () => ({ id: "no-such-matter" }) },
  "matters.start": { input: () => ({ id: "no-such-matter", tokenBudget: 50_000 }), optional: ["tokenBudget"] },
  "matters.resume": { input: () => ({ id: "no-such-matter", tokenBudget: 50_000 }), optional: ["tokenBudget"] },
  "matters.deliberation": { input: () => ({ id: "no-such-matter" }) },
};

/** The same for socket.io events (EVENT_ACCESS): one valid payload and some invalid ones each. */
export interface EventSample {
  valid: unknown;
  invalid: readonly unknown[];
}

export const EVENT_SAMPLES: Readonly<Record<string, EventSample>> = {
  "room:join": {
    valid: { matterId: POLITY_STREAM, afterSeq: 0 },
    invalid: [
      { matterId: 5 },
      { matterId: "" },
      { matterId: "no spaces or !" },
      { matterId: "x".repeat(65) },
      { matterId: POLITY_STREAM, afterSeq: -1 },
      { matterId: POLITY_STREAM, afterSeq: "1" },
      "polity",
      42,
    ],
  },
  "room:leave": { valid: { matterId: POLITY_STREAM }, invalid: [{}, { matterId: ["polity"] }, { matterId: "a/b" }] },
  "audit:join": { valid: { matterId: "matter-1" }, invalid: [{}, { matterId: null }, { matterId: "<script>" }] },
  "desk:join": { valid: {}, invalid: [{ extra: 1 }, "desk", [1]] },
  "admin:join": { valid: {}, invalid: [{ extra: true }, 7, ["admin"]] },
};
