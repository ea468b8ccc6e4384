/**
 * Where a cluster's files live on the host. Everything sits under the stack's stateDir, so
 * stacks never share files and `pulumi destroy` leaves nothing in the user's ~/.kube.
 */
import * as path from "node:path";

/** Directory inside the control-plane node where the encryption config is mounted. */
export const ENCRYPTION_CONTAINER_DIR = "/etc/kubernetes/encryption";
/** File name of the EncryptionConfiguration, on the host and in the node. */
export const ENCRYPTION_CONFIG_FILE = "encryption-config.yaml";

export interface KindPaths {
  /** `<stateDir>/<kindName>` */
  clusterDir: string;
  /** `<stateDir>/<kindName>/kubeconfig`: the only kubeconfig kind writes to. */
  kubeconfig: string;
  /** `<stateDir>/<kindName>/encryption`: mounted read-only into the control-plane. */
  encryptionDir: string;
  /** `<stateDir>/<kindName>/encryption/encryption-config.yaml` */
  encryptionConfig: string;
}

/** Paths for one cluster; `stateDir` must be absolute (kind resolves relative mounts against its own cwd). */
export function kindPaths(stateDir: string, kindName: string): KindPaths {
  if (!path.isAbsolute(stateDir)) {
    throw new Error(
      `stateDir "${stateDir}" is not absolute; kind would resolve it against its working directory. ` +
        "Pass LabConfig.stateDir, which loadLabConfig resolves against the project directory.",
    );
  }
  const clusterDir = path.join(stateDir, kindName);
  const encryptionDir = path.join(clusterDir, "encryption");
  return {
    clusterDir,
    kubeconfig: path.join(clusterDir, "kubeconfig"),
    encryptionDir,
    encryptionConfig: path.join(encryptionDir, ENCRYPTION_CONFIG_FILE),
  };
}
