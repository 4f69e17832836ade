// Runbook plugin SDK for AssemblyScript, ABI v1. See ../README.md.
//
// A plugin's entry file imports what it needs from here, registers one
// Plugin, and re-exports the ABI:
//
//   import { register } from "runbook-sdk/assembly";
//   register(new MyCheck());
//   export * from "runbook-sdk/assembly/abi";
export * from "./json";
export * from "./plugin";
export * from "./host";
export { register } from "./register";
