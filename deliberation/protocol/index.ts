export * from "./limits.js";
export * from "./machine.js";
export * from "./packages.js";
export * from "./tasks.js";
export * from "./drive.js";
