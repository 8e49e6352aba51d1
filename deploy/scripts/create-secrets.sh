#!/usr/bin/env bash
# Creates the Secrets Tenantry's manifests mount (deploy/base), with fresh keys, in one namespace.
#
#   IDENTITY_DATABASE_URL=postgresql+psycopg://identity:...@db.internal:5432/tenantry_identity?sslmode=verify-full \
#   MEMBERSHIP_DATABASE_URL=... BILLING_DATABASE_URL=... AUDIT_DATABASE_URL=... \
#   SMTP_PASSWORD=... deploy/scripts/create-secrets.sh tenantry
#
# One PostgreSQL database (and role) per service; no service reads another's. Keys are generated here and never
# printed: the principal key pair (Ed25519; identity signs, every service verifies), a secret key per service and
# one for the gateway (CSRF; all replicas share it). An existing Secret is left as it is unless ROTATE=1 (key
# rotation: docs/operations.md). DRY_RUN=1 prints the Secrets as YAML instead of applying them.
set -euo pipefail

namespace="${1:?usage: create-secrets.sh NAMESPACE}"
services=(identity membership billing audit)
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
umask 077

apply() {  # apply NAME [kubectl create secret generic args...]
  local name="$1"
  shift
  if [[ "${DRY_RUN:-0}" == 1 ]]; then
    kubectl create secret generic "$name" --namespace "$namespace" --dry-run=client -o yaml "$@"
    echo "---"
  elif [[ "${ROTATE:-0}" != 1 ]] && kubectl get secret "$name" --namespace "$namespace" >/dev/null 2>&1; then
    echo "secret/$name exists: kept (ROTATE=1 replaces it)" >&2
  else
    kubectl create secret generic "$name" --namespace "$namespace" --dry-run=client -o yaml "$@" \
      | kubectl apply -f -
  fi
}

random_key() {  # 64 URL-safe characters (services require at least 32)
  openssl rand -base64 48 | tr '+/' '-_' | tr -d '\n='
}

openssl genpkey -algorithm ed25519 -out "$workdir/principal_signing.pem" 2>/dev/null
openssl pkey -in "$workdir/principal_signing.pem" -pubout -out "$workdir/principal_public.pem"
apply principal-public-key --from-file=principal_public.pem="$workdir/principal_public.pem"

for service in "${services[@]}"; do
  variable="${service^^}_DATABASE_URL"
  url="${!variable:-}"
  if [[ -z "$url" ]]; then
    if [[ "${DRY_RUN:-0}" == 1 ]]; then
      url="postgresql+psycopg://$service@postgres.example.internal:5432/tenantry_$service"
    else
      echo "$variable is not set: one PostgreSQL database per service" >&2
      exit 2
    fi
  fi
  printf '%s' "$url" >"$workdir/$service.database_url"
  random_key >"$workdir/$service.secret_key"
  printf '%s' "${SMTP_PASSWORD:-}" >"$workdir/$service.smtp_password"
  files=(
    --from-file=database_url="$workdir/$service.database_url"
    --from-file=secret_key="$workdir/$service.secret_key"
  )
  if [[ "$service" != audit ]]; then  # audit sends no email
    files+=(--from-file=smtp_password="$workdir/$service.smtp_password")
  fi
  if [[ "$service" == identity ]]; then
    files+=(--from-file=principal_signing.pem="$workdir/principal_signing.pem")
    # The key that seals secrets at rest (AES-256-GCM), as `id:base64url` (services.common.secret_box).
    printf 'k1:%s' "$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '\n=')" >"$workdir/identity.data_keys"
    files+=(--from-file=data_keys="$workdir/identity.data_keys")
  fi
  if [[ "$service" == audit ]]; then
    # The key that signs audit checkpoints; its public half is published by the audit service.
    openssl genpkey -algorithm ed25519 -out "$workdir/checkpoint_signing.pem" 2>/dev/null
    files+=(--from-file=checkpoint_signing.pem="$workdir/checkpoint_signing.pem")
    # Seals the log streams' signing secrets at rest, like identity's data_keys.
    printf 'k1:%s' "$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '\n=')" >"$workdir/audit.data_keys"
    files+=(--from-file=data_keys="$workdir/audit.data_keys")
  fi
  apply "$service-secrets" "${files[@]}"
done

random_key >"$workdir/gateway.secret_key"
apply gateway-secrets --from-file=secret_key="$workdir/gateway.secret_key"
