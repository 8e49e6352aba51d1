#!/usr/bin/env bash
# Installs or upgrades Tenantry from an overlay, migrations first:
#   deploy/scripts/rollout.sh deploy/overlays/prod
#
# 1. everything but the servers (ConfigMaps, NetworkPolicies, monitoring, the migration Jobs): the Jobs migrate each
#    service's database while the old version still serves (migrations stay compatible with the previous release);
# 2. wait for every Job to complete;
# 3. everything: the Deployments roll, one surge pod at a time, each new pod ready before an old one drains.
# Jobs are immutable, so the finished ones of the previous run are deleted first.
set -euo pipefail

overlay="${1:?usage: rollout.sh OVERLAY_DIR}"
namespace="$(kubectl kustomize "$overlay" | awk '/^kind: Namespace$/ {found=1} found && /^  name:/ {print $2; exit}')"
migration="app.kubernetes.io/component=migration"

kubectl delete job --namespace "$namespace" -l "$migration" --ignore-not-found --wait=true
kubectl apply -k "$overlay" -l 'app.kubernetes.io/component!=server'
kubectl wait --namespace "$namespace" --for=condition=complete job -l "$migration" --timeout=15m
kubectl apply -k "$overlay"
for deployment in identity membership billing audit gateway; do
  kubectl rollout status --namespace "$namespace" "deployment/$deployment" --timeout=15m
done
