#!/usr/bin/env bash
# deploy/serve.sh N: N replicas of Descent Lab behind nginx on 127.0.0.1:$PORT (default 8080).
#
# Runs in the foreground. Starts N Streamlit processes on free loopback ports and nginx in
# front of them (deploy/nginx_conf.py writes its config: sticky sessions by cookie,
# websocket upgrades, the app's paths only). Prints a line with "ready" once nginx and every
# replica answer /_stcore/health. A replica that exits, or has not answered /_stcore/health
# for HANG_SECONDS, is started again (a busy replica answers late, but answers: restarting
# it would end its visitors' sessions). SIGTERM or SIGINT (Ctrl-C) stops nginx and every
# replica by PID. If nginx itself exits, everything is stopped and the script exits 1
# (restarting the whole is left to the process manager that runs it).
#
# Needs Debian's nginx (apt-get install nginx) and the app's requirements. Environment:
#   PORT          where nginx listens on 127.0.0.1 (8080)
#   PYTHON        the Python with the app's requirements (python3)
#   NGINX         the nginx binary (nginx on PATH, else /usr/sbin/nginx)
#   HANG_SECONDS  a replica silent this long is restarted (60)
#   LOG_DIR       where the replicas' and nginx's logs go and stay (default: the run's
#                 temporary directory, removed on stop)
#   STREAMLIT_SERVER_COOKIE_SECRET  shared by the replicas, so a cookie one of them signed
#                 is valid on another (default: a random one per run)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPLICAS="${1:-2}"
PORT="${PORT:-8080}"
PYTHON="${PYTHON:-python3}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
MAX_REPLICAS=16
CHECK_EVERY=2    # seconds between health checks of every replica (each in the background)
HANG_SECONDS="${HANG_SECONDS:-60}" # no answer for this long: the replica is hung
START_GRACE=90   # seconds a (re)started replica has to answer its first health check
READY_TIMEOUT=120

say() { printf '%s\n' "serve.sh: $*"; }
die() { printf '%s\n' "serve.sh: $*" >&2; exit 1; }

[[ "$REPLICAS" =~ ^[1-9][0-9]*$ ]] && ((REPLICAS <= MAX_REPLICAS)) ||
  die "usage: deploy/serve.sh N (1 to $MAX_REPLICAS replicas), got '$REPLICAS'"
[[ "$PORT" =~ ^[1-9][0-9]*$ ]] && ((PORT <= 65535)) || die "PORT must be a port number"
[[ "$HANG_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "HANG_SECONDS must be a number of seconds"
[[ -x "$NGINX" ]] || die "no nginx: apt-get install nginx (or set NGINX=/path/to/nginx)"
"$PYTHON" -c "import streamlit" 2>/dev/null ||
  die "$PYTHON cannot import streamlit: pip install -r requirements.txt"

RUN_DIR="$(mktemp -d -t descent-lab.XXXXXX)"
chmod 755 "$RUN_DIR" # nginx's workers (user nobody when started as root) read under it
LOG_DIR="${LOG_DIR:-$RUN_DIR}"
mkdir -p "$LOG_DIR" || die "cannot create LOG_DIR $LOG_DIR"
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$("$PYTHON" -c \
  'import secrets; print(secrets.token_hex(32))')}"

declare -a PIDS=() PORTS=() STARTED=() LAST_OK=() HEALTHY=() QUICK_DEATHS=() RESTART_AT=()
declare -a CHECKERS=()
NGINX_PID=""
STOPPING=0

# Free loopback ports for the replicas: bound together, so they differ, then released.
mapfile -t PORTS < <("$PYTHON" - "$REPLICAS" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
EOF
)
((${#PORTS[@]} == REPLICAS)) || die "could not find $REPLICAS free ports"
PORTS=("" "${PORTS[@]}") # replicas are numbered from 1, as in their cookie

# 0 when the process is running (not exited, not a zombie waiting to be reaped)
alive() {
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "${stat##*) }" != Z* ]]
}

# 0 when GET http://127.0.0.1:$1/_stcore/health answers 200 within 5 s (bash's /dev/tcp:
# no curl needed)
healthy() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET /_stcore/health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    IFS= read -r -t 5 status <&3 || exit 1
    [[ "$status" == "HTTP/1."?" 200"* ]]
  ) 2>/dev/null
}

start_replica() {
  local i=$1
  cd "$ROOT" || exit 1
  "$PYTHON" -m streamlit run app.py \
    --server.address 127.0.0.1 --server.port "${PORTS[i]}" --server.headless true \
    --server.fileWatcherType none --browser.gatherUsageStats false \
    >>"$LOG_DIR/replica-$i.log" 2>&1 &
  PIDS[i]=$!
  STARTED[i]=$SECONDS
  LAST_OK[i]=$SECONDS
  HEALTHY[i]=0
  RESTART_AT[i]=""
  say "replica $i: pid ${PIDS[i]}, port ${PORTS[i]}, log $LOG_DIR/replica-$i.log"
}

# Stop process $1 by PID: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
  local pid=$1 waited=0
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  kill -CONT "$pid" 2>/dev/null # a stopped (SIGSTOP) process handles TERM only once resumed
  while alive "$pid" && ((waited < 100)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

stop_all() {
  ((STOPPING)) && return
  STOPPING=1
  trap '' TERM INT
  say "stopping nginx (pid ${NGINX_PID:-none}) and $REPLICAS replicas (pids ${PIDS[*]})"
  [[ -n "$NGINX_PID" ]] && stop_pid "$NGINX_PID"
  local i
  for ((i = 1; i <= REPLICAS; i++)); do
    [[ -n "${PIDS[i]:-}" ]] && kill -TERM "${PIDS[i]}" 2>/dev/null
  done
  for ((i = 1; i <= REPLICAS; i++)); do
    [[ -n "${PIDS[i]:-}" ]] && stop_pid "${PIDS[i]}"
    [[ -n "${CHECKERS[i]:-}" ]] && stop_pid "${CHECKERS[i]}"
  done
  rm -rf "$RUN_DIR"
  say "stopped"
}

trap 'stop_all; exit 0' TERM INT
trap 'stop_all' EXIT

# The nginx config: the shared site config (deploy/nginx_conf.py) inside a small top-level
# file that keeps nginx's pid, logs and temporary files in this run's directory.
REPLICA_ARGS=()
for ((i = 1; i <= REPLICAS; i++)); do REPLICA_ARGS+=(--replica "127.0.0.1:${PORTS[i]}"); done
"$PYTHON" "$ROOT/deploy/nginx_conf.py" --listen "127.0.0.1:$PORT" "${REPLICA_ARGS[@]}" \
  >"$RUN_DIR/site.conf" || die "could not write the nginx config"
cat >"$RUN_DIR/nginx.conf" <<EOF
# deploy/serve.sh: nginx for one run, everything under $RUN_DIR
worker_processes 1;
pid $RUN_DIR/nginx.pid;
error_log $LOG_DIR/nginx-error.log warn;
events { worker_connections 4096; }
http {
    # which replica answered each request, and the replica the visitor's cookie named
    log_format descent '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                       '\$request_time upstream=\$upstream_addr cookie=\$cookie_descent_replica';
    access_log $LOG_DIR/nginx-access.log descent buffer=32k flush=5s;
    client_body_temp_path $RUN_DIR/client_body;
    proxy_temp_path $RUN_DIR/proxy;
    fastcgi_temp_path $RUN_DIR/fastcgi;
    uwsgi_temp_path $RUN_DIR/uwsgi;
    scgi_temp_path $RUN_DIR/scgi;
    include $RUN_DIR/site.conf;
}
EOF
NGINX_ARGS=(-p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log")
# nginx reads its own NGINX variable (sockets inherited on a binary upgrade): not ours
env -u NGINX "$NGINX" -t -q "${NGINX_ARGS[@]}" || die "nginx rejected the config ($RUN_DIR/nginx.conf)"

for ((i = 1; i <= REPLICAS; i++)); do start_replica "$i"; done
env -u NGINX "$NGINX" "${NGINX_ARGS[@]}" -g "daemon off;" &
NGINX_PID=$!
say "nginx: pid $NGINX_PID, http://127.0.0.1:$PORT/ (log $LOG_DIR/nginx-error.log)"

# Ready once every replica, and nginx in front of them, answer /_stcore/health.
deadline=$((SECONDS + READY_TIMEOUT))
while :; do
  alive "$NGINX_PID" || die "nginx exited: $(tail -n 5 "$LOG_DIR/nginx-error.log")"
  pending=0
  for ((i = 1; i <= REPLICAS; i++)); do
    alive "${PIDS[i]}" ||
      die "replica $i exited while starting: $(tail -n 20 "$LOG_DIR/replica-$i.log")"
    ((HEALTHY[i])) || { healthy "${PORTS[i]}" && HEALTHY[i]=1 && LAST_OK[i]=$SECONDS; } ||
      pending=1
  done
  ((pending)) || ! healthy "$PORT" || break
  ((SECONDS < deadline)) || die "not healthy after ${READY_TIMEOUT} s"
  sleep 0.2
done
say "ready: http://127.0.0.1:$PORT/ ($REPLICAS replicas)"

# Supervise: restart replicas that exit (at once, or after a growing pause if one keeps
# dying within a minute of starting) or stop answering their health check.
next_check=$SECONDS
while :; do
  # a background sleep: a trapped signal interrupts `wait` at once
  sleep 0.5 &
  wait $! 2>/dev/null
  alive "$NGINX_PID" || {
    say "nginx (pid $NGINX_PID) exited: stopping"
    NGINX_PID=""
    exit 1
  }
  check=0
  ((SECONDS >= next_check)) && check=1 && next_check=$((SECONDS + CHECK_EVERY))
  for ((i = 1; i <= REPLICAS; i++)); do
    if [[ -n "${RESTART_AT[i]}" ]]; then
      ((SECONDS >= RESTART_AT[i])) && start_replica "$i"
      continue
    fi
    if ! alive "${PIDS[i]}"; then
      wait "${PIDS[i]}" 2>/dev/null
      status=$?
      # a replica that keeps dying within a minute of starting is restarted after a
      # growing pause (0, 1, 2, 4 ... 30 s), not in a tight loop
      if ((SECONDS - STARTED[i] < 60)); then
        QUICK_DEATHS[i]=$((${QUICK_DEATHS[i]:-0} + 1))
      else
        QUICK_DEATHS[i]=1
      fi
      pause=$((QUICK_DEATHS[i] > 1 ? 1 << (QUICK_DEATHS[i] < 7 ? QUICK_DEATHS[i] - 2 : 5) : 0))
      ((pause > 30)) && pause=30
      say "replica $i (pid ${PIDS[i]}) exited with status $status: restarting in ${pause} s"
      PIDS[i]=""
      RESTART_AT[i]=$((SECONDS + pause))
      ((pause)) || start_replica "$i"
      continue
    fi
    # the health checks run in the background (a busy replica may take seconds to
    # answer); each success leaves a file named after the replica's PID
    ok="$RUN_DIR/ok-$i-${PIDS[i]}"
    if [[ -e "$ok" ]]; then
      rm -f "$ok"
      ((HEALTHY[i])) || say "replica $i (pid ${PIDS[i]}) answers /_stcore/health"
      HEALTHY[i]=1
      LAST_OK[i]=$SECONDS
    fi
    if ((check)) && ! alive "${CHECKERS[i]:-}"; then
      (healthy "${PORTS[i]}" && : >"$ok") &
      CHECKERS[i]=$!
    fi
    silent=$((SECONDS - LAST_OK[i]))
    if { ((HEALTHY[i])) && ((silent > HANG_SECONDS)); } ||
      { ((!HEALTHY[i])) && ((silent > START_GRACE)); }; then
      say "replica $i (pid ${PIDS[i]}) has not answered /_stcore/health for $silent s: restarting"
      stop_pid "${PIDS[i]}"
      start_replica "$i"
    fi
  done
done
