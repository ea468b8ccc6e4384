/**
 * What the platform's resources report after create under the mocks: generated passwords, image
 * ids, command output. The recorder itself is test/support/pulumi-mocks.ts:
 * `installMocks({ stateFor: platformStateFor })`.
 */
import type * as pulumi from "@pulumi/pulumi";

// A 32-hex-character fake, built at run time.
export const MOCK_AGENT_SECRET = "0123456789abcdef".repeat(2);

export function platformStateFor(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
  if (args.type === "random:index/randomPassword:RandomPassword") {
    return { result: args.name.endsWith("agent-secret") ? MOCK_AGENT_SECRET : `mock-secret-${args.name}` };
  }
  if (args.type === "docker:index/remoteImage:RemoteImage")
    return { imageId: `sha256-of-${args.inputs.name}` };
  if (args.type === "command:local:Command") return { stdout: "" };
  return undefined;
}
