#!/usr/bin/env bash
# Real-editor end-to-end tests for the Kuma extension and language server, offline except for the npm
# registry and Debian apt:
#   1. code-server (VS Code 1.100.3 from npm) driven by Debian chromium through playwright-core (ui.mjs),
#      with the packaged .vsix installed into a throwaway profile;
#      then once more in an untrusted folder (Restricted Mode, restricted.mjs);
#   2. extension-host API tests (test/exthost) in the same code-server (exthost.mjs);
#   3. Neovim 0.7's built-in LSP client against dist/server.node.js --stdio (nvim.lua);
#   4. Emacs 28 + eglot 1.9 against the same server (eglot.el);
#   5. dist/server.web.js in a Web Worker of chromium under a CSP without 'unsafe-eval', and the web
#      extension in code-server's web extension host (web.mjs);
#   6. opt-in (E2E_ELECTRON=1): the extension-host tests in desktop VS Code via @vscode/test-electron.
# Runs as root on a fresh Debian 12 machine (CI=true, no stdin, no display). The root `npm ci` must have run.
# Env: E2E_CACHE (code-server cache dir, outside the repo), E2E_ARTIFACTS (screenshots), E2E_PORT (default 18080),
#      E2E_DOCS=1 (copy the cropped screenshots to docs/*.png), E2E_ELECTRON=1 (also run test/exthost in desktop VS Code).
# Prints `ok - name` / `FAIL - name` lines and ends with `N passed, M failed`; exits non-zero when anything failed.
set -euo pipefail
exec </dev/null

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
CS_VERSION=4.100.3 # newest code-server whose engines.node is 20 (= VS Code 1.100.3); the ripgrep seed below is tied to it
CACHE=${E2E_CACHE:-$HOME/.cache/kuma-tools-e2e}
CS_DIR=$CACHE/code-server-$CS_VERSION
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kuma-e2e.XXXXXX")
ARTIFACTS=${E2E_ARTIFACTS:-$WORK}
mkdir -p "$ARTIFACTS" "$WORK/xdg-config" "$WORK/xdg-data" "$WORK/tmp" "$WORK/run"
chmod 700 "$WORK/run"
# code-server (even `--version`) writes ~/.config/code-server and ~/.local/share/code-server: keep them in WORK
export XDG_CONFIG_HOME="$WORK/xdg-config" XDG_DATA_HOME="$WORK/xdg-data"
# and so do the temporary files of everything this run starts: the Chromium profiles of the *.mjs scripts
# (also when `timeout` stops one before its finally), Chromium's and the TypeScript server's own, and the
# IPC sockets code-server and its git extension make in $XDG_RUNTIME_DIR, else in /tmp (vscode-ipc-*.sock,
# vscode-git-*.sock). WORK's scratch is removed when the run ends (tidy below).
export TMPDIR="$WORK/tmp" XDG_RUNTIME_DIR="$WORK/run"
ARTIFACTS=$(cd "$ARTIFACTS" && pwd)

t0=$SECONDS
stamp() { echo "[e2e +$((SECONDS - t0))s] $*"; }
passed=0
failed=0
ok() {
  echo "ok - $*"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL - $*"
  failed=$((failed + 1))
}
summary() {
  echo "$passed passed, $failed failed"
  ((failed == 0)) || exit 1
  exit 0
}
# A setup step that fails ends the run with a FAIL line and the summary.
setup_fail() {
  fail "$1"
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -40 "$2"
  summary
}

CS_PID=
cleanup() {
  # code-server runs in its own session: kill the whole group (server, extension host, file watcher, LSP server)
  if [ -n "$CS_PID" ]; then
    kill -- -"$CS_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- -"$CS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 -- -"$CS_PID" 2>/dev/null || true
  fi
}
# When the run ends, WORK keeps what it is for: the logs (*.log, the editors' own under editor-logs/), the
# neovim and emacs results (*.json) and, unless E2E_ARTIFACTS names another folder, the screenshots (*.png).
# The rest is scratch and goes: the profiles, extensions, workspaces, the .vsix, the installed npm package,
# the temporary folder and the sockets. About 100 KB stay per run instead of 15 to 45 MB.
# shellcheck disable=SC2329 # called by the EXIT trap
tidy() {
  local ud
  for ud in "$WORK"/ud "$WORK"/ud-*; do
    if [ -d "$ud/logs" ]; then mkdir -p "$WORK/editor-logs" && mv "$ud/logs" "$WORK/editor-logs/${ud##*/}"; fi
  done
  rm -rf "$WORK"/{ud,ud-*,exts,ext.vsix,ws,ws-restricted,exthost-ws,nvim,emacs,npm-install,rg,xdg-config,xdg-data,tmp,run}
}
trap 'cleanup; tidy || true' EXIT
stamp "work dir $WORK, artifacts $ARTIFACTS"

# 1. Debian packages; apt-get update only when something is missing
need=()
for p in chromium neovim ripgrep libkrb5-dev pkg-config build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
# Emacs with eglot for step 7
for p in emacs-nox elpa-eglot; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
# desktop VS Code (opt-in E2E_ELECTRON=1) needs a virtual display
if [ "${E2E_ELECTRON:-}" = 1 ]; then dpkg -s xvfb >/dev/null 2>&1 || need+=(xvfb); fi
if ((${#need[@]})); then
  stamp "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$WORK/apt.log" 2>&1 ||
    setup_fail "apt-get install ${need[*]}" "$WORK/apt.log"
fi
stamp "apt ok"

# 2. code-server, cached outside the repo (native modules are compiled here, about 45 s cold)
if [ ! -f "$CS_DIR/.complete" ]; then
  stamp "installing code-server $CS_VERSION into $CS_DIR"
  # @vscode/ripgrep@1.15.11's postinstall downloads rg from GitHub; seed its download cache with Debian's rg
  rgc="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  if [ ! -f "$rgc/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
    mkdir -p "$rgc" "$WORK/rg"
    cp /usr/bin/rg "$WORK/rg/rg"
    tar czf "$rgc/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$WORK/rg" rg
  fi
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  # --unsafe-perm: postinstall refuses root without it; yes: node-pty's postinstall runs npx node-gyp;
  # nodedir: node-gyp uses the installed headers instead of downloading them
  (cd "$CS_DIR" && echo '{"private":true}' >package.json &&
    npm_config_nodedir=/usr npm_config_yes=true \
      npm install --unsafe-perm --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION") >"$WORK/code-server-install.log" 2>&1 ||
    setup_fail "install code-server $CS_VERSION" "$WORK/code-server-install.log"
  touch "$CS_DIR/.complete"
fi
CS="$CS_DIR/node_modules/.bin/code-server"
stamp "code-server $("$CS" --version 2>/dev/null | grep -E '^[0-9]' || true)"

# 3. harness deps, then build and package the extension from the repo root
(cd "$E2E_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$WORK/npm-ci.log" 2>&1 ||
  setup_fail "npm ci in test/e2e" "$WORK/npm-ci.log"
(cd "$ROOT" && npm run -s package -- -o "$WORK/ext.vsix") >"$WORK/package.log" 2>&1 ||
  setup_fail "build and package the extension" "$WORK/package.log"
stamp "extension packaged ($(du -k "$WORK/ext.vsix" | cut -f1) KiB)"

# 4. code-server on loopback with a fresh profile, extensions dir and workspace
mkdir -p "$WORK/ud/User" "$WORK/exts" "$WORK/ws"
cp "$E2E_DIR/settings.json" "$WORK/ud/User/settings.json"
cp -r "$ROOT/examples" "$WORK/ws/examples"
cat >"$WORK/ws/ci.yaml" <<'EOF'
# A GitHub Actions workflow: not a Kuma resource, so the Kuma extension must stay silent on it.
name: ci
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    weight: 10
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run test:all
EOF
# Conversions (ui.mjs): a Service with comments between a Namespace and a ConfigMap, and a Kubernetes MeshService
cat >"$WORK/ws/convert.yaml" <<'EOF'
# The web app's namespace: Kuma injects sidecars here
apiVersion: v1
kind: Namespace
metadata:
  name: web-demo # the demo namespace
  labels:
    kuma.io/sidecar-injection: enabled
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: web-demo
spec:
  # the pods of the web Deployment
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: 8080
      appProtocol: http
---
# settings read by web, not a Kuma resource
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: web-demo
data:
  LOG_LEVEL: "debug"
EOF
# A second file with a Service for the workspace conversion (ui.mjs): VS Code saves a refactoring
# that changes more than one file.
cat >"$WORK/ws/shop.yaml" <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
  labels:
    kuma.io/mesh: default
spec:
  selector:
    app: cart
  ports:
    - name: http
      port: 8080
      appProtocol: http
EOF
cat >"$WORK/ws/k8s-ms.yaml" <<'EOF'
apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: api
  namespace: kuma-demo
  labels:
    kuma.io/mesh: default
spec:
  # the api pods
  selector:
    dataplaneTags:
      app: api
  ports:
    - name: http
      port: 8080
      targetPort: 8080
      appProtocol: http
EOF
"$CS" --user-data-dir "$WORK/ud" --extensions-dir "$WORK/exts" --install-extension "$WORK/ext.vsix" >"$WORK/install-ext.log" 2>&1 ||
  setup_fail "install the vsix into code-server" "$WORK/install-ext.log"
compgen -G "$WORK/exts/kuma-tools.kuma-meshservice-tools-*" >/dev/null || setup_fail "vsix installed as kuma-tools.kuma-meshservice-tools" "$WORK/install-ext.log"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${E2E_PORT:-18080}
if ! port_free "$PORT"; then
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
fi
setsid "$CS" --auth none --bind-addr "127.0.0.1:$PORT" --user-data-dir "$WORK/ud" --extensions-dir "$WORK/exts" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$WORK/ws" >"$WORK/code-server.log" 2>&1 &
CS_PID=$!
up=
for _ in $(seq 150); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
    up=1
    break
  fi
  kill -0 "$CS_PID" 2>/dev/null || break
  sleep 0.2
done
[ -n "$up" ] || setup_fail "code-server listening on 127.0.0.1:$PORT" "$WORK/code-server.log"
stamp "code-server up on 127.0.0.1:$PORT"

# 5. UI test in the real workbench; it prints its own ok/FAIL lines
set +e
CS_URL="http://127.0.0.1:$PORT/" CS_WS="$WORK/ws" SHOT_DIR="$ARTIFACTS" timeout 300 node "$E2E_DIR/ui.mjs" 2>&1 | tee "$WORK/ui.log"
ui_rc=${PIPESTATUS[0]}
set -e
ui_ok=$(grep -c '^ok - ' "$WORK/ui.log" || true)
ui_fail=$(grep -c '^FAIL - ' "$WORK/ui.log" || true)
passed=$((passed + ui_ok))
failed=$((failed + ui_fail))
if ((ui_rc != 0 && ui_fail == 0)); then fail "vscode: ui.mjs exited with status $ui_rc"; fi

# 5b. Extension-host API tests (test/exthost, bundled to dist/test/exthost.js) in the same code-server:
# the repository is loaded as the development extension through the workbench's payload URL parameter,
# in a workspace of its own; they print their own ok/FAIL lines
mkdir -p "$WORK/exthost-ws"
set +e
SHOT_DIR="$ARTIFACTS" timeout 200 node "$E2E_DIR/exthost.mjs" "http://127.0.0.1:$PORT/" "$WORK/exthost-ws" "$ROOT" 2>&1 | tee "$WORK/exthost.log"
ex_rc=${PIPESTATUS[0]}
set -e
ex_ok=$(grep -c '^ok - ' "$WORK/exthost.log" || true)
ex_fail=$(grep -c '^FAIL - ' "$WORK/exthost.log" || true)
passed=$((passed + ex_ok))
failed=$((failed + ex_fail))
if ((ex_rc != 0 && ex_fail == 0)); then fail "vscode-api: exthost.mjs exited with status $ex_rc"; fi
cleanup
CS_PID=
stamp "code-server tests done"

# 5c. The same extension in an untrusted folder (Restricted Mode): workspace trust on, no trust prompt
mkdir -p "$WORK/ud-restricted/User" "$WORK/ws-restricted"
node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
  Object.assign(s,{"security.workspace.trust.enabled":true,"security.workspace.trust.startupPrompt":"never"});
  require("fs").writeFileSync(process.argv[2],JSON.stringify(s,null,2))' "$E2E_DIR/settings.json" "$WORK/ud-restricted/User/settings.json"
cp "$ROOT/examples/mistakes/meshservice-typos.yaml" "$WORK/ws-restricted/"
setsid "$CS" --auth none --bind-addr "127.0.0.1:$PORT" --user-data-dir "$WORK/ud-restricted" --extensions-dir "$WORK/exts" \
  --disable-telemetry --disable-update-check --disable-getting-started-override \
  "$WORK/ws-restricted" >"$WORK/code-server-restricted.log" 2>&1 &
CS_PID=$!
up=
for _ in $(seq 150); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
    up=1
    break
  fi
  kill -0 "$CS_PID" 2>/dev/null || break
  sleep 0.2
done
if [ -n "$up" ]; then
  set +e
  CS_URL="http://127.0.0.1:$PORT/" CS_WS="$WORK/ws-restricted" SHOT_DIR="$ARTIFACTS" timeout 120 node "$E2E_DIR/restricted.mjs" 2>&1 |
    tee "$WORK/restricted.log"
  set -e
  passed=$((passed + $(grep -c '^ok - ' "$WORK/restricted.log" || true)))
  failed=$((failed + $(grep -c '^FAIL - ' "$WORK/restricted.log" || true)))
  grep -q '^ok - .*Kuma extension checks' "$WORK/restricted.log" || tail -20 "$WORK/code-server-restricted.log"
else
  fail "code-server (Restricted Mode) listening on 127.0.0.1:$PORT"
fi
cleanup
CS_PID=
stamp "Restricted Mode done"

# 6. Neovim's built-in LSP client against the server as a Neovim user gets it: the npm package
# kuma-language-server, packed and installed into an empty folder (no network), its bin on the cmd line.
# In a folder of its own: the server indexes the folder Neovim starts in.
mkdir -p "$WORK/nvim" "$WORK/npm-install"
rm -rf "$WORK/npm-install"/*
(cd "$ROOT/dist/npm" && npm pack --silent --pack-destination "$WORK/npm-install" >/dev/null) &&
  (cd "$WORK/npm-install" && echo '{"name":"e2e-install","private":true}' >package.json &&
    npm install --offline --no-audit --no-fund --silent ./kuma-language-server-*.tgz) >"$WORK/npm-install.log" 2>&1
NVIM_SERVER="$WORK/npm-install/node_modules/.bin/kuma-language-server"
if [ -x "$NVIM_SERVER" ]; then
  ok "npm package: packed and installed into an empty folder (bin kuma-language-server)"
else
  fail "npm package: packed and installed into an empty folder (bin kuma-language-server)"
  tail -20 "$WORK/npm-install.log"
  NVIM_SERVER="$ROOT/dist/server.node.js"
fi
cat >"$WORK/nvim/nvim.yaml" <<'EOF'
apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: chat
  namespace: kuma-demo
spec:
  selector:
    dataplaneTags:
      app: chat
  ports:
    - name: ws
      port: 8080
      targetPort: 8080
      appProtocol: websocket
  weight: 10
EOF
set +e
(cd "$WORK/nvim" && SERVER="$NVIM_SERVER" OUT="$WORK/nvim.json" timeout 60 \
  nvim --headless --clean -c "luafile $E2E_DIR/nvim.lua" "$WORK/nvim/nvim.yaml" >"$WORK/nvim.log" 2>&1)
nvim_rc=$?
set -e
if [ ! -f "$WORK/nvim.json" ]; then
  fail "neovim: LSP client ran (rc $nvim_rc, no result file)"
  tail -20 "$WORK/nvim.log"
else
  # Checks on the JSON the Lua script wrote: one `ok|FAIL<TAB>name` line each
  while IFS=$'\t' read -r verdict name; do
    if [ "$verdict" = ok ]; then ok "$name"; else fail "$name"; fi
  done < <(
    node - "$WORK/nvim.json" "$nvim_rc" <<'EOF'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const rc = process.argv[3];
const say = (ok, name, extra) => console.log(`${ok ? 'ok' : 'FAIL'}\tneovim: ${name}${ok || !extra ? '' : ` (${extra})`}`);
const short = (ds) => JSON.stringify((ds || []).map((d) => `${d.lnum}:${d.col} ${d.code} ${d.message.slice(0, 50)}`));
const before = r.diagnostics || [];
const after = r.diagnostics_after_edit || [];
say(rc === '0' && !(r.errors || []).length, 'LSP client finished cleanly', `rc ${rc}, errors ${JSON.stringify(r.errors)}`);
const unk = before.find((d) => d.code === 'schema-unknown-key' && d.message.includes('Unknown key "weight"'));
say(!!unk && unk.lnum === 14 && unk.col === 2 && unk.source === 'kuma', 'unknown-key diagnostic at line 15, col 3, source kuma', short(before));
say(before.some((d) => d.code === 'app-protocol-unsupported' && d.lnum === 13), 'app-protocol-unsupported diagnostic at line 14', short(before));
say(
  r.after_edit_received && !after.some((d) => d.code === 'schema-unknown-key') && after.some((d) => d.code === 'app-protocol-unsupported'),
  'edit (nvim_buf_set_lines) removes the unknown-key diagnostic, keeps the others',
  short(after),
);
const titles = r.code_actions || [];
const changes = ['Change to grpc', 'Change to http', 'Change to http2', 'Change to kafka', 'Change to tcp'];
say(
  JSON.stringify(titles.filter((t) => t.startsWith('Change to '))) === JSON.stringify(changes) && titles.includes('Convert to Universal format'),
  'textDocument/codeAction on "appProtocol: websocket" offers Change to grpc … tcp and the file conversions',
  JSON.stringify(titles),
);
say(r.fixed_line === '      appProtocol: grpc', 'applying "Change to grpc" (apply_workspace_edit) rewrites the line', JSON.stringify(r.fixed_line));
EOF
  )
fi
echo "neovim result: $(cat "$WORK/nvim.json" 2>/dev/null | head -c 1500)"
stamp "neovim done"

# 7. Emacs 28 with eglot 1.9 against the same server over stdio (test/e2e/eglot.el), on the same kind of file
mkdir -p "$WORK/emacs"
cp "$WORK/nvim/nvim.yaml" "$WORK/emacs/eglot.yaml"
set +e
(cd "$WORK/emacs" && SERVER="$ROOT/dist/server.node.js" FILE="$WORK/emacs/eglot.yaml" OUT="$WORK/eglot.json" timeout 60 \
  emacs --batch -l "$E2E_DIR/eglot.el" >"$WORK/eglot.log" 2>&1)
eglot_rc=$?
set -e
if [ ! -f "$WORK/eglot.json" ]; then
  fail "emacs: eglot client ran (rc $eglot_rc, no result file)"
  tail -20 "$WORK/eglot.log"
else
  while IFS=$'\t' read -r verdict name; do
    if [ "$verdict" = ok ]; then ok "$name"; else fail "$name"; fi
  done < <(
    node - "$WORK/eglot.json" "$eglot_rc" <<'EOF'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const rc = process.argv[3];
const say = (ok, name, extra) => console.log(`${ok ? 'ok' : 'FAIL'}\temacs: ${name}${ok || !extra ? '' : ` (${extra})`}`);
const ds = r.diagnostics || [];
say(rc === '0' && !(r.errors || []).length, 'eglot session finished cleanly', `rc ${rc}, errors ${JSON.stringify(r.errors)}`);
const unk = ds.find((d) => d.code === 'schema-unknown-key');
say(
  !!unk && unk.line === 15 && unk.covers === 'weight' && unk.text.startsWith('kuma [schema-unknown-key]: Unknown key "weight" in spec'),
  'flymake shows schema-unknown-key on "weight" at line 15',
  JSON.stringify(ds),
);
const proto = ds.find((d) => d.code === 'app-protocol-unsupported');
say(!!proto && proto.line === 14 && proto.covers === 'websocket', 'flymake shows app-protocol-unsupported on "websocket" at line 14', JSON.stringify(ds));
say(
  JSON.stringify(r.completion) === JSON.stringify(['grpc', 'http', 'http2', 'kafka', 'tcp']),
  'completion-at-point after "appProtocol: " offers grpc, http, http2, kafka, tcp',
  JSON.stringify(r.completion),
);
say(
  (r.code_actions || []).includes('Change to http') && (r.code_actions || []).includes('Migrate this file to Kuma 3.0'),
  'eglot-code-actions on the appProtocol value lists "Change to http" and "Migrate this file to Kuma 3.0"',
  JSON.stringify(r.code_actions),
);
say(r.applied === 'Change to grpc' && r.fixed_line === '      appProtocol: grpc', 'applying the first action edits the buffer', `${r.applied}: ${JSON.stringify(r.fixed_line)}`);
EOF
  )
fi
echo "emacs result: $(head -c 1500 "$WORK/eglot.json" 2>/dev/null)"
stamp "emacs done"

# 8. Opt-in: the same extension-host tests in desktop VS Code via @vscode/test-electron (downloads VS Code)
if [ "${E2E_ELECTRON:-}" = 1 ]; then
  set +e
  if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
    (cd "$ROOT" && timeout 600 xvfb-run -a node test/exthost/electron.mjs) 2>&1 | tee "$WORK/electron.log"
  else
    (cd "$ROOT" && timeout 600 node test/exthost/electron.mjs) 2>&1 | tee "$WORK/electron.log"
  fi
  el_rc=${PIPESTATUS[0]}
  set -e
  passed=$((passed + $(grep -c '^ok - ' "$WORK/electron.log" || true)))
  el_fail=$(grep -c '^FAIL - ' "$WORK/electron.log" || true)
  failed=$((failed + el_fail))
  if ((el_rc != 0 && el_fail == 0)); then fail "vscode-electron: electron.mjs exited with status $el_rc"; fi
  stamp "electron done"
fi

# README pictures: with E2E_DOCS=1 (npm run screenshots) the cropped docs-*.png of ui.mjs replace docs/*.png
if [ "${E2E_DOCS:-}" = 1 ]; then
  mkdir -p "$ROOT/docs"
  for shot in "$ARTIFACTS"/docs-*.png; do
    [ -f "$shot" ] || continue
    cp "$shot" "$ROOT/docs/${shot##*/docs-}"
    echo "docs: $ROOT/docs/${shot##*/docs-} ($(du -k "$shot" | cut -f1) KiB)"
  done
fi

# 9. The web extension's server (dist/server.web.js, built by step 3) in a Web Worker in chromium, under a
# Content-Security-Policy without 'unsafe-eval'; web.mjs serves dist/ on loopback and prints its own ok/FAIL lines.
# Then the whole web extension in VS Code's web worker extension host: code-server again, with a profile that
# runs the installed extension there (remote.extensionKind "web").
mkdir -p "$WORK/ud-web/User"
node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));s["remote.extensionKind"]={"kuma-tools.kuma-meshservice-tools":["web"]};console.log(JSON.stringify(s,null,1))' \
  "$E2E_DIR/settings.json" >"$WORK/ud-web/User/settings.json"
setsid "$CS" --auth none --bind-addr "127.0.0.1:$PORT" --user-data-dir "$WORK/ud-web" --extensions-dir "$WORK/exts" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$WORK/ws" >"$WORK/code-server-web.log" 2>&1 &
CS_PID=$!
web_cs=
for _ in $(seq 150); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
    web_cs="http://127.0.0.1:$PORT/"
    break
  fi
  kill -0 "$CS_PID" 2>/dev/null || break
  sleep 0.2
done
[ -n "$web_cs" ] || fail "web: code-server listening again on 127.0.0.1:$PORT"
set +e
CS_URL="$web_cs" CS_WS="$WORK/ws" CS_EXTS="$WORK/exts" timeout 180 node "$E2E_DIR/web.mjs" >"$WORK/web.log" 2>&1
web_rc=$?
set -e
cleanup
CS_PID=
cat "$WORK/web.log"
web_ok=$(grep -c '^ok - ' "$WORK/web.log" || true)
web_fail=$(grep -c '^FAIL - ' "$WORK/web.log" || true)
passed=$((passed + web_ok))
failed=$((failed + web_fail))
if ((web_rc != 0 && web_fail == 0)); then fail "web: web.mjs exited with status $web_rc"; fi
stamp "web worker done"

for shot in "$ARTIFACTS"/*.png; do [ -f "$shot" ] && echo "screenshot: $shot"; done
summary
