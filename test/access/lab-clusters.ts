/** The seed's two clusters as the clusters section would hand them over (issue 2's shape). */
import type { ClusterConfig } from "../../components/config/clusters";

function cluster(name: string, role: string, apiServerPort: number, registrationName: string): ClusterConfig {
  return {
    name,
    kindName: name,
    role,
    apiServerPort,
    podSubnet: role === "production" ? "10.240.0.0/16" : "10.241.0.0/16",
    serviceSubnet: role === "production" ? "10.96.0.0/16" : "10.97.0.0/16",
    workers: 1,
    nodeImage: "kindest/node:v1.33.1",
    portMappings: [],
    registration: {
      name: registrationName,
      requestAudit: true,
      podSessionRecording: false,
      tags: [],
    },
  };
}

export function labClusters(): ClusterConfig[] {
  return [
    cluster("cluster1", "production", 6444, "production-cluster"),
    cluster("cluster2", "develop", 6445, "develop-cluster"),
  ];
}
