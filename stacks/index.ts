/**
 * The lab program: reads and validates the whole stack config, then composes the components.
 * Nothing else lives here. The order of the graph (see ARCHITECTURE.md):
 *
 *   KindCluster × N (pairs in parallel) ─┐
 *   AccessPlatform (starts at once) ─────┴─► PlatformNetworkAttachment
 *        └─ with an API token: ClusterRegistration × N ─► AccessControl ─► SmokeSuite platform-access
 *   RbacSeeds and SmokeSuite per cluster, on that cluster's own provider.
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { AccessControl } from "../components/access/access-control";
import { ClusterRegistration } from "../components/access/cluster-registration";
import { RbacSeeds } from "../components/access/rbac-seeds";
import { LabConfigError, loadLabConfig, resolveNetworkMode, type LabConfig } from "../components/config";
import { rawFromPulumi } from "../components/config/pulumi-source";
import { kindBatches } from "../components/kind/batches";
import { KindCluster } from "../components/kind/kind-cluster";
import { AccessPlatform } from "../components/platform/access-platform";
import { PlatformNetworkAttachment } from "../components/platform/kind-network-attachment";
import { SmokeSuite, smokeOutputs } from "../components/smoke/smoke-suite";

function loadOrExplain(): LabConfig {
  try {
    return loadLabConfig(rawFromPulumi(), { stack: pulumi.getStack(), fileExists: fs.existsSync });
  } catch (e) {
    // A RunError prints its message without a stack trace: the message already says what to fix.
    if (e instanceof LabConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const lab = loadOrExplain();
const networkMode = resolveNetworkMode(lab.networkMode, process.platform);
const apiToken = lab.hasApiToken ? new pulumi.Config().requireSecret("querypieApiToken") : undefined;

// Clusters: two creates at a time (kind issue 1288); each later pair waits for the previous pair's
// `kind create` steps only, not for their readiness checks.
const batches = kindBatches(lab.clusters.length);
const kinds: KindCluster[] = [];
lab.clusters.forEach((cluster, i) => {
  kinds.push(
    new KindCluster(
      cluster.name,
      { cluster, stateDir: lab.stateDir },
      { dependsOn: batches[i].map((j) => kinds[j].created) },
    ),
  );
});

// The platform depends on no cluster, so its two-minute first start overlaps their creation.
const platform = lab.platform.enabled
  ? new AccessPlatform("querypie", {
      platform: lab.platform,
      namePrefix: lab.namePrefix,
      apiToken,
      logDir: lab.stateDir,
    })
  : undefined;

// Joining the `kind` network waits for both; on Docker Desktop it is harmless and keeps one path.
const attachment =
  platform && kinds.length > 0
    ? new PlatformNetworkAttachment(
        "querypie-kind-network",
        { containerName: platform.appContainerName, containerId: platform.appContainerId },
        { dependsOn: [platform, ...kinds] },
      )
    : undefined;

const connection = platform && apiToken ? { apiBaseUrl: platform.webUrl, token: apiToken } : undefined;

const registrations =
  platform && connection
    ? lab.clusters.map(
        (cluster, i) =>
          new ClusterRegistration(`registration-${cluster.name}`, {
            cluster,
            provider: kinds[i].provider,
            networkMode,
            connection,
            certificateAuthorityEncoding: lab.access.certificateAuthorityEncoding,
            dependsOn: [platform.ready, ...(attachment ? [attachment.ready] : [])],
          }),
      )
    : [];

const accessControl = connection
  ? new AccessControl("access", {
      access: lab.access,
      connection,
      dependsOn: registrations.map((r) => r.kacCluster),
    })
  : undefined;

const rbacSeeds = lab.rbacSeeds.enabled
  ? lab.clusters.flatMap((cluster, i) =>
      lab.rbacSeeds.clusters.includes(cluster.name)
        ? [new RbacSeeds(`rbac-seeds-${cluster.name}`, { provider: kinds[i].provider, seeds: lab.rbacSeeds })]
        : [],
    )
  : [];

const platformSkipReason = !lab.platform.enabled
  ? "the access platform is off (platform.enabled: false)"
  : "no QueryPie API token is set yet (see the nextSteps output)";

const suites = lab.smoke.enabled
  ? lab.clusters.map(
      (cluster, i) =>
        new SmokeSuite(
          `smoke-${cluster.name}`,
          {
            cluster,
            provider: kinds[i].provider,
            kubeconfig: kinds[i].kubeconfig,
            smoke: lab.smoke,
            platformAccess:
              connection && accessControl
                ? {
                    apiBaseUrl: connection.apiBaseUrl,
                    token: connection.token,
                    loginId: lab.smoke.loginId,
                    registrationName: cluster.registration.name,
                  }
                : undefined,
            platformSkipReason,
          },
          { dependsOn: accessControl ? accessControl.grantResources : [] },
        ),
    )
  : [];

export const clusters = kinds.map((k) => ({
  name: k.kindName,
  context: k.contextName,
  endpoint: k.endpoint,
  internalEndpoint: k.internalEndpoint,
  serverVersion: k.serverVersion,
  kubeconfigPath: k.kubeconfigPath,
  useWith: pulumi.interpolate`export KUBECONFIG=${k.kubeconfigPath}`,
}));

/** Kind name -> kubeconfig, a top-level secret (a secret nested in `clusters` would not show as one). */
export const kubeconfigs = pulumi.secret(
  pulumi
    .all(kinds.map((k) => pulumi.all([k.kindName, k.kubeconfig])))
    .apply((rows) => Object.fromEntries(rows)),
);

export const querypie = platform
  ? {
      webUrl: platform.webUrl,
      apiBaseUrl: platform.apiBaseUrl,
      version: platform.version,
      kacProxyEndpoint: platform.kacProxyEndpoint,
      hostsLine: platform.hostsLine,
    }
  : undefined;

export const nextSteps = platform?.nextSteps;

export const access = accessControl
  ? {
      clusters: pulumi
        .all(registrations.map((r) => pulumi.all([r.registeredName, r.clusterUuid, r.apiUrl])))
        .apply((rows) => rows.map(([name, uuid, apiUrl]) => ({ name, uuid, apiUrl }))),
      roles: accessControl.roleUuids,
      policies: accessControl.policyUuids,
      grants: accessControl.grants,
    }
  : undefined;

export const rbac = rbacSeeds.map((s) => ({
  namespaces: s.namespaces,
  podReaderServiceAccount: s.podReaderServiceAccount,
  networkPolicy: s.networkPolicy,
}));

const smokeResults = smokeOutputs(suites);
export const smoke = smokeResults.smoke;
export const smokePassed = smokeResults.smokePassed;
