/**
 * PlatformNetworkAttachment: connects the running QueryPie app container to the docker network
 * `kind` (created by `kind create cluster`), so QueryPie reaches every API server as
 * `https://<cluster>-control-plane:6443`. A step of its own, so the platform never waits for the
 * clusters: pass `dependsOn: [platform, ...clusters]` and the two halves start in parallel.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

/** `docker network connect`, tolerating a container that is already on the network. */
export const CONNECT_SCRIPT = [
  'if out=$(docker network connect "$LAB_NETWORK" "$LAB_CONTAINER" 2>&1); then',
  '  echo "connected $LAB_CONTAINER to the docker network $LAB_NETWORK"',
  "else",
  '  case "$out" in',
  '    *"already exists"*|*"already attached"*) echo "$LAB_CONTAINER is already on the docker network $LAB_NETWORK" ;;',
  '    *) printf "%s\\n" "$out" >&2',
  '       echo "Could not connect $LAB_CONTAINER to the docker network $LAB_NETWORK. kind creates that network with the first cluster: check docker network ls and docker ps -a --filter name=$LAB_CONTAINER, then run pulumi up again." >&2',
  "       exit 1 ;;",
  "  esac",
  "fi",
].join("\n");

/** `docker network disconnect`, tolerating a container or network that is already gone. */
export const DISCONNECT_SCRIPT = [
  'if out=$(docker network disconnect "$LAB_NETWORK" "$LAB_CONTAINER" 2>&1); then',
  '  echo "disconnected $LAB_CONTAINER from the docker network $LAB_NETWORK"',
  "else",
  '  case "$out" in',
  '    *"is not connected"*|*"No such container"*|*"No such network"*|*"not found"*) echo "$LAB_CONTAINER is not on the docker network $LAB_NETWORK: nothing to undo" ;;',
  '    *) printf "%s\\n" "$out" >&2; exit 1 ;;',
  "  esac",
  "fi",
].join("\n");

export interface PlatformNetworkAttachmentArgs {
  /** Name of the container to connect, e.g. `AccessPlatform.appContainerName`. */
  containerName: pulumi.Input<string>;
  /**
   * ID of that container, e.g. `AccessPlatform.appContainerId`. When it changes (the container was
   * replaced) the attachment is made again. Default: none (only a name change reconnects).
   */
  containerId?: pulumi.Input<string>;
  /** Docker network to join. Default `kind`, the network kind puts every node on. */
  network?: string;
}

export class PlatformNetworkAttachment extends pulumi.ComponentResource {
  /** The network joined. */
  readonly network: pulumi.Output<string>;
  /** The container joined. */
  readonly containerName: pulumi.Output<string>;
  /** The connect step: depend on it before registering clusters by their in-network address. */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: PlatformNetworkAttachmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lab:index:PlatformNetworkAttachment", name, {}, opts);
    const network = args.network ?? "kind";

    const attach = new command.local.Command(
      `${name}-connect`,
      {
        create: CONNECT_SCRIPT,
        delete: DISCONNECT_SCRIPT,
        environment: { LAB_NETWORK: network, LAB_CONTAINER: args.containerName },
        triggers: [network, args.containerName, args.containerId ?? ""],
        logging: "stdoutAndStderr",
      },
      {
        parent: this,
        // The component's dependsOn (the platform and the clusters) must hold for the command itself.
        dependsOn: opts?.dependsOn,
        // Replacing must disconnect first: connect-then-disconnect would leave the container off the network.
        deleteBeforeReplace: true,
      },
    );

    this.network = pulumi.output(network);
    this.containerName = pulumi.output(args.containerName);
    this.ready = attach;
    this.registerOutputs({ network: this.network, containerName: this.containerName });
  }
}
