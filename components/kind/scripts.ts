/**
 * The shell the KindCluster's commands run (`/bin/sh -c`, Linux and macOS). Fixed text:
 * every value arrives through environment variables (names, paths, URNs; never a secret)
 * or stdin (the kind config, the EncryptionConfiguration), so nothing secret is ever in argv
 * and nothing needs quoting. Tests run these scripts against fake `kind`/`kubectl`/`docker`.
 *
 * Variables: LAB_KIND_NAME, LAB_KUBECONFIG, LAB_ENCRYPTION_DIR, LAB_ENCRYPTION_CONFIG,
 * LAB_EXPECTED_NODES, LAB_READY_TIMEOUT (seconds), LAB_CREATE_URN, LAB_ENCRYPTION_URN.
 */

const FAIL = `fail() { echo "kind-access-lab: $*" >&2; exit 1; }`;

// Without it a missing tool would surface as "Is the Docker engine running?" or a readiness timeout.
const KIND_URL = "https://kind.sigs.k8s.io/docs/user/quick-start/#installation";
const KUBECTL_URL = "https://kubernetes.io/docs/tasks/tools/";
const need = (tool: string, url: string) =>
  `command -v ${tool} >/dev/null 2>&1 || fail "${tool} is not on the PATH pulumi runs with ($PATH). Install it (${url}), then run the same pulumi command again."`;

const LIST_CLUSTERS = `clusters=$(kind get clusters 2>&1) || fail "cannot list kind clusters ($clusters). Is the Docker engine running? Start it, then run pulumi up again."`;

/** Writes the EncryptionConfiguration from stdin, owner-only, atomically. */
export const WRITE_ENCRYPTION_CONFIG = `set -eu
umask 077
mkdir -p "$LAB_ENCRYPTION_DIR"
chmod 700 "$LAB_ENCRYPTION_DIR"
cat > "$LAB_ENCRYPTION_CONFIG.tmp"
chmod 600 "$LAB_ENCRYPTION_CONFIG.tmp"
mv -f "$LAB_ENCRYPTION_CONFIG.tmp" "$LAB_ENCRYPTION_CONFIG"
echo "kind-access-lab: wrote $LAB_ENCRYPTION_CONFIG (mode 0600)" >&2`;

export const DELETE_ENCRYPTION_CONFIG = `rm -f "$LAB_ENCRYPTION_CONFIG" "$LAB_ENCRYPTION_CONFIG.tmp"
rmdir "$LAB_ENCRYPTION_DIR" 2>/dev/null || true`;

/**
 * Creates the cluster from the config on stdin. Refuses a cluster of the same name that this
 * stack did not create: kind cannot tell which config made it, so adopting it could leave a
 * cluster without encryption at rest behind a green `up`.
 */
export const CREATE_CLUSTER = `set -u
${FAIL}
${need("kind", KIND_URL)}
${LIST_CLUSTERS}
if printf '%s\\n' "$clusters" | grep -qx -- "$LAB_KIND_NAME"; then
  fail "a kind cluster named $LAB_KIND_NAME already exists, but this stack did not create it (an interrupted earlier run, or made by hand). Its config is unknown, so it is not adopted. Delete it with: kind delete cluster --name $LAB_KIND_NAME ; then run pulumi up again."
fi
[ -s "$LAB_ENCRYPTION_CONFIG" ] || fail "$LAB_ENCRYPTION_CONFIG is missing, and kube-apiserver cannot start without it. Write it again with: pulumi up --replace '$LAB_ENCRYPTION_URN'"
umask 077
mkdir -p "$(dirname "$LAB_KUBECONFIG")"
echo "kind-access-lab: creating kind cluster $LAB_KIND_NAME; its kubeconfig goes to $LAB_KUBECONFIG, ~/.kube/config is not touched" >&2
kind create cluster --name "$LAB_KIND_NAME" --config - --kubeconfig "$LAB_KUBECONFIG" || fail "kind create cluster failed for $LAB_KIND_NAME (its output is above). Fix the cause, then run pulumi up again."`;

/** Runs when only the script text or non-config inputs change: a kind cluster cannot change in place. */
export const UPDATE_CLUSTER = `echo "kind-access-lab: kind cluster $LAB_KIND_NAME unchanged (a config or node image change replaces the cluster)" >&2`;

/** Idempotent: kind deletes nothing when the cluster is already gone. */
export const DELETE_CLUSTER = `set -u
${FAIL}
${need("kind", KIND_URL)}
kind delete cluster --name "$LAB_KIND_NAME" --kubeconfig "$LAB_KUBECONFIG" || { echo "kind-access-lab: kind delete cluster failed for $LAB_KIND_NAME. Is the Docker engine running? Start it, then run the same pulumi command again." >&2; exit 1; }
rm -f "$LAB_KUBECONFIG" "$LAB_KUBECONFIG.lock"`;

/**
 * Runs on every `up`: notices a cluster removed or stopped outside Pulumi and says which
 * command fixes it, refreshes the stack's kubeconfig file, waits until every node is Ready,
 * and prints the API server's /version JSON (the only thing on stdout).
 */
export const CHECK_READY = `set -u
${FAIL}
${need("kind", KIND_URL)}
${need("kubectl", KUBECTL_URL)}
${LIST_CLUSTERS}
printf '%s\\n' "$clusters" | grep -qx -- "$LAB_KIND_NAME" || fail "kind cluster $LAB_KIND_NAME is in this stack's state but not on this host (removed with kind delete cluster, or lost with Docker's data). Recreate it with: pulumi up --replace '$LAB_CREATE_URN'"
nodes=$(kind get nodes --name "$LAB_KIND_NAME" 2>/dev/null)
stopped=""
if command -v docker >/dev/null 2>&1; then
  for node in $nodes; do
    [ "$(docker inspect -f '{{.State.Running}}' "$node" 2>/dev/null)" = "true" ] || stopped="$stopped $node"
  done
fi
[ -z "$stopped" ] || fail "node containers of $LAB_KIND_NAME are not running:$stopped (Docker restarted?). Start them with: docker start$stopped ; then run pulumi up again."
count=$(printf '%s\\n' "$nodes" | grep -c .)
[ "$count" -ge "$LAB_EXPECTED_NODES" ] || fail "kind cluster $LAB_KIND_NAME has $count node containers, expected $LAB_EXPECTED_NODES. Recreate it with: pulumi up --replace '$LAB_CREATE_URN'"
umask 077
kind export kubeconfig --name "$LAB_KIND_NAME" --kubeconfig "$LAB_KUBECONFIG" >/dev/null 2>&1 || fail "cannot write the kubeconfig $LAB_KUBECONFIG; check that its directory is writable, then run pulumi up again."
k() { kubectl --kubeconfig "$LAB_KUBECONFIG" --context "kind-$LAB_KIND_NAME" "$@"; }
if ! k wait --for=condition=Ready nodes --all --timeout="\${LAB_READY_TIMEOUT}s" >&2; then
  k get nodes -o wide >&2 || true
  fail "not every node of $LAB_KIND_NAME became Ready within \${LAB_READY_TIMEOUT}s. Look at: kubectl --kubeconfig $LAB_KUBECONFIG describe nodes ; docker logs $LAB_KIND_NAME-control-plane. Then run pulumi up again, or start over with: pulumi up --replace '$LAB_CREATE_URN'"
fi
ready=$(k get nodes --no-headers 2>/dev/null | grep -c ' Ready')
[ "$ready" -ge "$LAB_EXPECTED_NODES" ] || fail "only $ready of $LAB_EXPECTED_NODES nodes of $LAB_KIND_NAME registered and Ready. Start over with: pulumi up --replace '$LAB_CREATE_URN'"
k get --raw /version || fail "the API server of $LAB_KIND_NAME did not answer /version."`;

/** Prints the kubeconfig for the host (`https://127.0.0.1:<port>`) on stdout. */
export const GET_KUBECONFIG = `kind get kubeconfig --name "$LAB_KIND_NAME"`;

/** Prints the kubeconfig for containers on the docker network `kind` (`https://<name>-control-plane:6443`). */
export const GET_INTERNAL_KUBECONFIG = `kind get kubeconfig --internal --name "$LAB_KIND_NAME"`;
