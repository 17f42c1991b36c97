#!/usr/bin/env bash
# Installs terraform and/or tflint on a CI runner from their release archives, verified against the
# published SHA-256 sums, into ~/.local/bin (added to GITHUB_PATH). Used by .github/workflows/terraform.yml
# instead of third-party setup actions, so the workflow runs only first-party actions.
#   terraform/tools/ci-install.sh terraform tflint      (versions from TF_VERSION and TFLINT_VERSION)
set -euo pipefail

bin="${HOME}/.local/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$bin"

fetch() { curl --fail --silent --show-error --location --retry 4 --retry-all-errors --max-time 120 -o "$1" "$2"; }

verify() { # verify <archive> <sums file> <name in sums>
  local expected
  expected="$(awk -v n="$3" '$2 == n || $2 == "*"n { print $1 }' "$2")"
  if [ -z "$expected" ]; then echo "::error::no checksum for $3 in the release sums" >&2; exit 1; fi
  echo "${expected}  $1" | sha256sum --check --quiet -
}

install_terraform() {
  : "${TF_VERSION:?set TF_VERSION, for example 1.11.4}"
  local name="terraform_${TF_VERSION}_linux_amd64.zip"
  local base="https://releases.hashicorp.com/terraform/${TF_VERSION}"
  fetch "$work/$name" "$base/$name"
  fetch "$work/sums" "$base/terraform_${TF_VERSION}_SHA256SUMS"
  verify "$work/$name" "$work/sums" "$name"
  unzip -o -q "$work/$name" terraform -d "$bin"
}

install_tflint() {
  : "${TFLINT_VERSION:?set TFLINT_VERSION, for example 0.55.0}"
  local name="tflint_linux_amd64.zip"
  local base="https://github.com/terraform-linters/tflint/releases/download/v${TFLINT_VERSION}"
  fetch "$work/$name" "$base/$name"
  fetch "$work/sums" "$base/checksums.txt"
  verify "$work/$name" "$work/sums" "$name"
  unzip -o -q "$work/$name" tflint -d "$bin"
}

for tool in "$@"; do
  case "$tool" in
    terraform) install_terraform ;;
    tflint) install_tflint ;;
    *) echo "::error::unknown tool '$tool' (expected terraform or tflint)" >&2; exit 2 ;;
  esac
done

if [ -n "${GITHUB_PATH:-}" ]; then echo "$bin" >> "$GITHUB_PATH"; fi
for tool in "$@"; do "$bin/$tool" --version | head -1; done
