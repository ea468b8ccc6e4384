/**
 * The lab program: reads and validates the whole stack config, then composes the
 * components. Nothing else lives here.
 */
import { loadLabConfig } from "../components/config";
import { rawFromPulumi } from "../components/config/pulumi-source";
import * as pulumi from "@pulumi/pulumi";

const lab = loadLabConfig(rawFromPulumi(), { stack: pulumi.getStack() });

export const clusters = lab.clusters.map((c) => c.kindName);
