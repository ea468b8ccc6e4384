/**
 * Loads the program the way Pulumi's Node.js language host does: CommonJS `require` through
 * ts-node with the project's tsconfig (type-checked), under Pulumi mocks. Prints `loaded <n>`.
 * Run by program-ts-node.test.ts in a child process.
 */
import * as pulumi from "@pulumi/pulumi";
import { programState } from "./program-fakes";

let count = 0;
pulumi.runtime.setMocks(
  {
    newResource(args) {
      count++;
      return { id: `${args.name}-id`, state: { ...args.inputs, ...programState(args) } };
    },
    call: (args) => args.inputs,
  },
  "kind-access-lab",
  "lab",
  false,
);
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("../../stacks");
setTimeout(() => {
  process.stdout.write(`loaded ${count}\n`);
  process.exit(0);
}, 3000);
