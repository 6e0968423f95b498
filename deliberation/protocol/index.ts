export * from "./machine.js";
export * from "./tasks.js";
export { clauseFor, mandateCoverage, policyAttended, stemSet, valueCoverage } from "./coverage.js";
