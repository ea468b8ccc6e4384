/**
 * Bad input creates nothing: the program stops on the config, names every problem, and shows
 * no stack trace (a RunError).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect, test } from "vitest";
import { installMocks } from "../support/pulumi-mocks";

test("a bad config stops the program before any resource, with every problem in one message", async () => {
  const mocks = await installMocks({
    stack: "lab",
    config: {
      clusters: [
        { name: "cluster1", serviceSubnet: "10.97.0.0/12" },
        { name: "Cluster_2", apiServerPort: 6443 },
      ],
    },
  });
  const error = await import("../../stacks/index").then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(pulumi.RunError);
  const message = (error as Error).message;
  expect(message).toMatch(/nothing was created/);
  expect(message).toContain("kind-access-lab:clusters[0].serviceSubnet");
  expect(message).toContain("kind-access-lab:clusters[1].name");
  expect(message).toContain("kind-access-lab:clusters[1].apiServerPort");
  expect(mocks.registered).toEqual([]);
});
