#!/usr/bin/env bash
# A fake `kubectl` and `docker` (chosen by the name it is called as) for the smoke script
# test: answers from test/fixtures/smoke; `port-forward` serves a real HTTP port (node) and
# writes each request's access-log line where `kubectl logs` reads it back.
# FAKE_SMOKE_STATE: directory for calls.log and nginx.log. FAKE_SMOKE_BREAK=crictl: crictl fails.
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
fx="$here/../../fixtures/smoke"
tool="$(basename "$0")"
echo "$tool $*" >>"$FAKE_SMOKE_STATE/calls.log"

if [ "$tool" = kubectl ]; then
  if [ "$1" != --kubeconfig ] || [ ! -f "$2" ]; then echo "fake kubectl: --kubeconfig <existing file> first" >&2; exit 98; fi
  echo "kubeconfig mode $(stat -c %a "$2" 2>/dev/null || stat -f %Lp "$2")" >>"$FAKE_SMOKE_STATE/calls.log"
  shift 2
  l="$*"
  case "$l" in
    "get pods -n kube-system -l component=etcd -o json")
      echo '{"kind":"List","items":[{"metadata":{"name":"etcd-cluster1-control-plane"},"status":{"phase":"Running"}}]}'; exit 0 ;;
    "exec -n kube-system etcd-cluster1-control-plane -- etcdctl "*" get /registry/secrets/default/kubernetes-the-hard-way -w json")
      cat "$fx/etcdctl-get-aescbc.json"; exit 0 ;;
    "get deployment nginx -n default -o json") cat "$fx/deployment-available.json"; exit 0 ;;
    "get pods -n default -l app=nginx -o json") cat "$fx/pods-spread.json"; exit 0 ;;
    "get nodes -o json") cat "$fx/nodes-two.json"; exit 0 ;;
    "get service nginx -n default -o json") cat "$fx/service-nodeport.json"; exit 0 ;;
    "get events -n default -o json") cat "$fx/events.json"; exit 0 ;;
    "logs nginx-7d9c5b6f8d-4lq2m -n default -c nginx --tail=500")
      cat "$fx/nginx-logs-without-request.txt"; cat "$FAKE_SMOKE_STATE/nginx.log" 2>/dev/null; exit 0 ;;
    "exec nginx-7d9c5b6f8d-4lq2m -n default -c nginx -- nginx -v") cat "$fx/nginx-v.stderr.txt" >&2; exit 0 ;;
    "port-forward -n default pod/nginx-7d9c5b6f8d-4lq2m :80 --address 127.0.0.1")
      exec node "$here/fake-port-forward.cjs" ;;
  esac
  echo "fake kubectl: no answer for \"$l\"" >&2; exit 99
fi

if [ "$tool" = docker ] && [ "$1" = exec ]; then
  node="$2"; shift 2; c="$*"
  case "$node|$c" in
    "cluster1-worker|curl -sS --max-time 10 http://10.240.0.5/") cat "$fx/curl-welcome.html"; exit 0 ;;
    *"|curl -sS -I --max-time 10 http://172.18.0."[23]":31846/") cat "$fx/head-200-nginx.txt"; exit 0 ;;
    "cluster1-control-plane|crictl ps --name nginx")
      if [ "$FAKE_SMOKE_BREAK" = crictl ]; then echo 'time="2026-11-28T14:40:02Z" level=fatal msg="validate service connection: validate CRI v1 runtime API for endpoint \"unix:///run/containerd/containerd.sock\": rpc error: code = Unavailable desc = connection error"' >&2; exit 1; fi
      cat "$fx/crictl-ps-other-pod.txt"; exit 0 ;;
  esac
fi
echo "fake $tool: no answer for \"$*\"" >&2; exit 99
