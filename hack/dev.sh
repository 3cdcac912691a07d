#!/usr/bin/env bash
# Placeholder until the local control plane lands: says what is missing.
echo "make dev: the local control plane (kube-apiserver, etcd, moto) is not built yet" >&2
exit 1
