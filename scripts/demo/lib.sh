# Shared helpers of scripts/demo.sh (sourced). Expects $root (the repository) and $demo (the demo
# directory) to be set.

airlock() { node "$root/bin/airlock" "$@"; }

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
demo_started=$SECONDS
step_started=$SECONDS
step() {
  printf '\n%s== %s%s  (%d s)\n' "$bold" "$*" "$plain" $((SECONDS - demo_started))
  step_started=$SECONDS
}

# A command as the operator would type it: arguments with spaces quoted, paths under the
# repository shown relative to it.
shown() {
  local arg text=''
  for arg in "$@"; do
    case $arg in *[[:space:]]*) arg="'$arg'" ;; esac
    text+="${text:+ }$arg"
  done
  relative "$text"
}
relative() { printf '%s' "${1//"$root/"/}"; }

# fact PATH: a value from upstreams.json (what the upstream has, for the clients to compare with).
fact() { node "$root/scripts/demo/json-get.mjs" "$demo/upstream/upstreams.json" "$1"; }
has_source() { [ -n "$(fact "$1")" ]; }

sha3_384() { node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha3-384").update(f.readFileSync(process.argv[1])).digest("hex"))' "$1"; }

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# wait_for TEST... : up to 30 s for the command to succeed.
wait_for() {
  local i
  for i in $(seq 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# Background processes this script started (by pid), stopped on exit, and the gpg-agents that
# gpg and dnf started for the GnuPG homes under $demo (by their home).
pids=()
stop_started() {
  local p keyring
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  if command -v gpgconf >/dev/null; then
    find "$demo" \( -name pubring.kbx -o -name pubring.gpg \) 2>/dev/null | while read -r keyring; do gpgconf --homedir "$(dirname "$keyring")" --kill gpg-agent 2>/dev/null || true; done
  fi
}
