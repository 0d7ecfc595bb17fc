# Shared by the comparison scripts (sourced, not run).

# Installs Debian package PKG unless COMMAND is on the PATH (as root, or with sudo).
need() {
  local command=$1 pkg=$2
  command -v "$command" >/dev/null 2>&1 && return
  echo "installing $pkg..." >&2
  local sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq "$pkg" >/dev/null
}

now() { date +%s.%N; }

# The median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# The CPU model, for the report line.
cpu_model() { grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'; }

# The rules for names, places, birth dates and speech: recognizers and context-bound patterns
# that the structured rule pack (and ripgrep) does without. Same list as benches/benches/scan.rs.
UNSTRUCTURED_RULES=person,street-address,postal-code,date-of-birth,spoken-phone,spoken-card,spoken-ssn,spelled-email

# Creates the virtual environment VENV with the PyPI packages given, unless the Python modules
# MODULES (comma-separated) already import there.
peer_venv() {
  local venv=$1 modules=$2
  shift 2
  if ! "$venv/bin/python" -c "import $modules" 2>/dev/null; then
    echo "installing $* into $venv..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "$@"
  fi
}

# Shared set-up of the peer comparisons: venv and out (under target/peers, out created), the
# peers installed into venv (see peer_venv: MODULES, then the packages), and bin, the release
# build of redactyl.
peers_setup() {
  venv=target/peers/venv
  out=target/peers/out
  mkdir -p "$out"
  peer_venv "$venv" "$@"
  cargo build -q --release -p redactyl-cli
  bin=target/release/redactyl
}
