/**
 * The whole end-to-end suite as one vitest file, so that it runs in one worker, file after file
 * (they share one server, see global-setup.ts), while the unit and integration files run in the
 * other workers at the same time. Vitest can keep files apart from each other only by running them in
 * a group of their own after every other file; this file is what lets the e2e chain overlap the rest.
 *
 * Every tests/e2e/*.test.ts file is imported here, a new one too: each is one top-level describe with
 * its own beforeAll/afterAll (its own browser), exactly as when it runs as a file of its own. A run that
 * names e2e files (`npx vitest run tests/e2e/shell.test.ts`) runs them as files instead: see
 * vitest.config.ts.
 */
import.meta.glob("./*.test.ts", { eager: true });
