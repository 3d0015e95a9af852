#!/usr/bin/env bash
# relearn's real test stack on machines without a Docker engine: Apache Kafka (KRaft, one
# node), Apicurio Registry (Confluent-compatible API) and mongo-java-server (MongoDB wire
# protocol), installed from Maven Central into .stack/ and run with the machine's Java on
# 127.0.0.1. Needs only java (17+), mvn and node. See docs/stack.md.
#
#   scripts/stack.sh install [SERVER...]   fetch jars (a no-op when already installed)
#   scripts/stack.sh start   [SERVER...] [--keep-data] [--mongo-file PATH]
#   scripts/stack.sh stop    [SERVER...]   end the servers this script started, by pid
#   scripts/stack.sh status  [SERVER...]   print up/down; exit 3 when one is down
#   scripts/stack.sh env                   print the exports the tests read
#
# SERVER is kafka, registry or mongo (default: all three).
# Environment: STACK_DIR, STACK_KAFKA_PORT, STACK_KAFKA_CONTROLLER_PORT,
# STACK_REGISTRY_PORT, STACK_MONGO_PORT, STACK_KEEP_DATA=1, STACK_MONGO_FILE,
# STACK_START_TIMEOUT, STACK_STOP_TIMEOUT, STACK_MAVEN_REPO_LOCAL.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS="$ROOT/scripts/stack"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
STACK_DIR="$(mkdir -p "$STACK_DIR" && cd "$STACK_DIR" && pwd)"
RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"

HOST=127.0.0.1
KAFKA_PORT="${STACK_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${STACK_KAFKA_CONTROLLER_PORT:-19093}"
REGISTRY_PORT="${STACK_REGISTRY_PORT:-18081}"
MONGO_PORT="${STACK_MONGO_PORT:-27018}"
START_TIMEOUT="${STACK_START_TIMEOUT:-180}"
STOP_TIMEOUT="${STACK_STOP_TIMEOUT:-30}"
KEEP_DATA="${STACK_KEEP_DATA:-0}"
MONGO_FILE="${STACK_MONGO_FILE:-}"

APICURIO_VERSION=3.0.9
APICURIO_ARTIFACT="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all"
# 2.8 on purpose: newer plugin versions resolve the artifact's parent pom, which is not on
# Maven Central, and fail.
APICURIO_COPY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:2.8:copy

ALL_SERVERS=(kafka registry mongo)
QUIET_WHEN_INSTALLED=0
# The slowest to boot goes first; Kafka last because formatting its storage holds up the
# launches after it.
LAUNCH_ORDER=(registry mongo kafka)

say() { echo "stack: $*" >&2; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

port_of() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;;
    registry) echo "$REGISTRY_PORT" ;;
    mongo) echo "$MONGO_PORT" ;;
  esac
}

# Every server gets this marker on its java command line, so that stop and status act on a
# pid only while it still belongs to a process this script started for this STACK_DIR.
marker_of() { echo "-Drelearn.stack.server=$1@$STACK_DIR"; }

check_servers() {
  local name
  for name in "$@"; do
    case "$name" in
      kafka | registry | mongo) ;;
      *) die "unknown server '$name' (expected kafka, registry or mongo)" ;;
    esac
  done
}

require_java() {
  command -v java >/dev/null || die "java not found: install a JDK 17 or newer"
  local version major
  version="$(java -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')"
  major="${version%%.*}"
  if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
    die "java $version found, 17 or newer needed"
  fi
}

require_node() { command -v node >/dev/null || die "node not found"; }

# Install, start and stop of one STACK_DIR are serialised, so that two test runs that start
# at the same moment neither download into the same folder nor launch a server twice.
take_lock() {
  command -v flock >/dev/null || return 0
  exec 9>"$STACK_DIR/.lock"
  flock 9
}

# ---------------------------------------------------------------- install

fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

is_installed() { [[ -f "$STACK_DIR/$1/.installed" && "$(cat "$STACK_DIR/$1/.installed")" == "$2" ]]; }

# Debian's Maven prints colour escapes even with -q, so its output goes to a log that is
# shown only when it fails.
maven() {
  local log="$1"
  shift
  local repo_local=()
  [[ -n "${STACK_MAVEN_REPO_LOCAL:-}" ]] && repo_local=("-Dmaven.repo.local=$STACK_MAVEN_REPO_LOCAL")
  if ! mvn -B -q -Dstyle.color=never "${repo_local[@]}" "$@" >"$log" 2>&1; then
    say "maven failed; last lines of $log:"
    tail -n 40 "$log" >&2
    return 1
  fi
}

# Copies the runtime closure of scripts/stack/<name>/pom.xml into .stack/<name>/libs.
install_from_pom() {
  local name="$1" pom="$SCRIPTS/$1/pom.xml"
  local stamp
  stamp="$(fingerprint "$pom")"
  if is_installed "$name" "$stamp"; then
    [[ "$QUIET_WHEN_INSTALLED" == 1 ]] || say "$name: already installed"
    return
  fi
  command -v mvn >/dev/null || die "mvn not found: install Maven 3.8 or newer"
  local started work="$STACK_DIR/$name/.work"
  started="$(now)"
  rm -rf "$work" && mkdir -p "$work" "$LOG_DIR"
  cp "$pom" "$work/pom.xml"
  maven "$LOG_DIR/install-$name.log" -f "$work/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime "-DoutputDirectory=$work/libs" || die "$name: install failed"
  rm -rf "$STACK_DIR/$name/libs"
  mv "$work/libs" "$STACK_DIR/$name/libs"
  rm -rf "$work"
  echo "$stamp" >"$STACK_DIR/$name/.installed"
  say "$name: installed $(find "$STACK_DIR/$name/libs" -name '*.jar' | wc -l) jars in $(elapsed "$started") s"
}

install_registry() {
  local stamp
  stamp="$(echo "$APICURIO_ARTIFACT" | fingerprint)"
  if is_installed registry "$stamp"; then
    [[ "$QUIET_WHEN_INSTALLED" == 1 ]] || say "registry: already installed"
    return
  fi
  command -v mvn >/dev/null || die "mvn not found: install Maven 3.8 or newer"
  local started work="$STACK_DIR/registry/.work"
  started="$(now)"
  rm -rf "$work" && mkdir -p "$work/app" "$LOG_DIR"
  (cd "$work" && maven "$LOG_DIR/install-registry.log" "$APICURIO_COPY_PLUGIN" \
    "-Dartifact=$APICURIO_ARTIFACT" "-DoutputDirectory=$work/download") || die "registry: install failed"
  tar -xzf "$work/download/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$work/app"
  [[ -f "$work/app/apicurio-registry-app-$APICURIO_VERSION-runner.jar" ]] ||
    die "registry: the archive holds no apicurio-registry-app-$APICURIO_VERSION-runner.jar"
  rm -rf "$STACK_DIR/registry/app"
  mv "$work/app" "$STACK_DIR/registry/app"
  rm -rf "$work"
  echo "$stamp" >"$STACK_DIR/registry/.installed"
  say "registry: installed Apicurio Registry $APICURIO_VERSION in $(elapsed "$started") s"
}

install_server() {
  case "$1" in
    kafka | mongo) install_from_pom "$1" ;;
    registry) install_registry ;;
  esac
}

# ---------------------------------------------------------------- processes

pid_file() { echo "$RUN_DIR/$1.pid"; }

# Prints the pid of a running server this script started, or fails.
running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  ps -ww -o args= -p "$pid" 2>/dev/null | grep -qF -- "$(marker_of "$1")" || return 1
  echo "$pid"
}

port_open() { (: </dev/tcp/"$HOST"/"$1") 2>/dev/null; }

# HTTP status of a request, or 000 when nothing answers; node is the one HTTP client a
# machine of this project is sure to have.
http_status() {
  local method="$1" url="$2" body="${3:-}"
  node -e '
    const [method, url, body] = process.argv.slice(1);
    const init = { method, signal: AbortSignal.timeout(5000) };
    if (body) Object.assign(init, { body, headers: { "content-type": "application/json" } });
    fetch(url, init).then((r) => console.log(r.status), () => console.log("000"));
  ' "$method" "$url" "$body"
}

registry_url() { echo "http://$HOST:$REGISTRY_PORT/apis/ccompat/v7"; }

# Starts a server in its own session, detached from the caller's terminal, and records its pid.
launch() {
  local name="$1"
  shift
  local log="$LOG_DIR/$name.log"
  [[ -f "$log" ]] && mv "$log" "$LOG_DIR/$name.previous.log"
  # The server inherits no descriptor but stdio: not fd 9 (this script's lock), nor a lock
  # the caller holds (`flock /tmp/relearn-stack.lock scripts/stack.sh start` leaves flock's
  # descriptor open here): a server holding one would hold that lock for as long as it runs.
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec setsid nohup "$@" >"$log" 2>&1 </dev/null
  ) &
  local pid=$!
  echo "$pid" >"$(pid_file "$name")"
}

kafka_properties() {
  local data="$1"
  cat <<EOF
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
log.dirs=$data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
}

launch_kafka() {
  local libs="$STACK_DIR/kafka/libs" data="$STACK_DIR/data/kafka" props="$STACK_DIR/kafka/server.properties"
  if [[ "$KEEP_DATA" != 1 ]]; then
    rm -rf "$data"
  fi
  mkdir -p "$data"
  kafka_properties "$data" >"$props"
  if [[ ! -f "$data/meta.properties" ]]; then
    # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding. One in 64
    # starts with '-', which `-t <id>` would parse as an option: pass it as --cluster-id=<id>.
    local cluster_id
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    java -XX:TieredStopAtLevel=1 "-Dlog4j.configuration=file:$SCRIPTS/kafka/log4j.properties" \
      -cp "$libs/*" kafka.tools.StorageTool format "--cluster-id=$cluster_id" -c "$props" \
      >"$LOG_DIR/kafka-format.log" 2>&1 || {
      tail -n 20 "$LOG_DIR/kafka-format.log" >&2
      die "kafka: formatting $data failed"
    }
  fi
  launch kafka java -Xms256m -Xmx512m -Djava.awt.headless=true "$(marker_of kafka)" \
    "-Dlog4j.configuration=file:$SCRIPTS/kafka/log4j.properties" \
    -cp "$libs/*" kafka.Kafka "$props"
}

launch_registry() {
  local app="$STACK_DIR/registry/app"
  # Apicurio may write next to its working directory; keep that inside .stack/.
  cd "$app"
  # C1 only: halves Apicurio's boot on two busy cores (about 20 s to 11 s measured), and the
  # tests send it a handful of requests, which the clients then cache.
  launch registry java -Xmx512m -XX:TieredStopAtLevel=1 "$(marker_of registry)" \
    -Dquarkus.http.host="$HOST" -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.http.access-log.enabled=false -Dquarkus.console.color=false \
    -Dapicurio.ccompat.use-canonical-hash=true \
    -jar "$app/apicurio-registry-app-$APICURIO_VERSION-runner.jar"
  cd "$ROOT"
}

launch_mongo() {
  local file_args=()
  if [[ -n "$MONGO_FILE" ]]; then
    file_args=(--file "$(realpath -m "$MONGO_FILE")")
  fi
  # The memory backend keeps every database a test run creates (benchmarks, fault tests): 1 GiB filled
  # up in one session and the server answered nothing while collecting garbage.
  launch mongo java -Xmx4g "$(marker_of mongo)" \
    -Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire=warn \
    -cp "$STACK_DIR/mongo/libs/*" "$SCRIPTS/MongoLauncher.java" \
    --host "$HOST" --port "$MONGO_PORT" "${file_args[@]}"
}

is_ready() {
  case "$1" in
    kafka) port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$LOG_DIR/kafka.log" ;;
    registry) [[ "$(http_status GET "$(registry_url)/subjects")" == 200 ]] ;;
    mongo) port_open "$MONGO_PORT" ;;
  esac
}

# Apicurio's global compatibility default is NONE, Confluent's is BACKWARD: match Confluent.
configure_registry() {
  local status
  status="$(http_status PUT "$(registry_url)/config" '{"compatibility":"BACKWARD"}')"
  [[ "$status" == 200 ]] || {
    say "registry: PUT /config BACKWARD answered $status"
    return 1
  }
}

# Fails (returns 1) when the server's process has exited or START_TIMEOUT has passed.
still_starting() {
  local name="$1" started="$2" pid
  pid="$(cat "$(pid_file "$name")")"
  if ! kill -0 "$pid" 2>/dev/null; then
    say "$name: exited before it was ready"
    return 1
  fi
  if (($(awk -v a="$started" -v b="$(now)" -v t="$START_TIMEOUT" 'BEGIN { print (b - a > t) }'))); then
    say "$name: not ready after $START_TIMEOUT s"
    return 1
  fi
}

show_log_tail() {
  say "last lines of $LOG_DIR/$1.log:"
  tail -n 60 "$LOG_DIR/$1.log" >&2 || true
}

# Sends SIGTERM to each server, waits up to STOP_TIMEOUT seconds, then SIGKILL.
stop_servers() {
  local name pid pids=() names=()
  for name in "$@"; do
    if pid="$(running_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$name")
    else
      [[ -f "$(pid_file "$name")" ]] && say "$name: not running (stale pid file removed)"
      rm -f "$(pid_file "$name")"
    fi
  done
  local started i
  started="$(now)"
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null; do
      if (($(awk -v a="$started" -v b="$(now)" -v t="$STOP_TIMEOUT" 'BEGIN { print (b - a > t) }'))); then
        say "${names[$i]}: still running after $STOP_TIMEOUT s, sending SIGKILL"
        kill -KILL "${pids[$i]}" 2>/dev/null || true
        sleep 0.5
        break
      fi
      sleep 0.2
    done
    rm -f "$(pid_file "${names[$i]}")"
    say "${names[$i]}: stopped (pid ${pids[$i]})"
  done
}

# ---------------------------------------------------------------- commands

cmd_install() {
  require_java
  take_lock
  local name
  for name in "$@"; do install_server "$name"; done
}

cmd_start() {
  require_java
  require_node
  take_lock
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  local name pid launched=() start_times=()
  QUIET_WHEN_INSTALLED=1
  for name in "$@"; do install_server "$name"; done

  # Decide everything before launching anything, so that a taken port leaves nothing behind.
  local to_launch=() port
  for name in "${LAUNCH_ORDER[@]}"; do
    [[ " $* " == *" $name "* ]] || continue
    if pid="$(running_pid "$name")"; then
      say "$name: already running (pid $pid)"
      continue
    fi
    rm -f "$(pid_file "$name")"
    for port in $(port_of "$name") $([[ "$name" == kafka ]] && echo "$KAFKA_CONTROLLER_PORT"); do
      port_open "$port" && die "$name: port $HOST:$port is taken by a process this script did not start"
    done
    to_launch+=("$name")
  done
  for name in "${to_launch[@]}"; do
    start_times+=("$(now)")
    "launch_$name"
    launched+=("$name")
  done

  # Poll every launched server in turn, so that each one's time to ready is its own.
  local i pending=("${!launched[@]}")
  while ((${#pending[@]} > 0)); do
    local still=()
    for i in "${pending[@]}"; do
      name="${launched[$i]}"
      # A failed PUT /config is retried on the next round, until START_TIMEOUT.
      if is_ready "$name" && { [[ "$name" != registry ]] || configure_registry; }; then
        say "$name: ready on $HOST:$(port_of "$name") in $(elapsed "${start_times[$i]}") s (pid $(cat "$(pid_file "$name")"))"
      elif still_starting "$name" "${start_times[$i]}"; then
        still+=("$i")
      else
        show_log_tail "$name"
        say "stopping what this start launched: ${launched[*]}"
        stop_servers "${launched[@]}"
        exit 1
      fi
    done
    pending=("${still[@]}")
    ((${#pending[@]} == 0)) || sleep 0.5
  done
}

cmd_stop() {
  take_lock
  stop_servers "$@"
}

cmd_status() {
  local name pid down=0
  for name in "$@"; do
    if pid="$(running_pid "$name")" && port_open "$(port_of "$name")"; then
      echo "$name up (pid $pid, $HOST:$(port_of "$name"))"
    else
      echo "$name down"
      down=1
    fi
  done
  ((down == 0)) || exit 3
}

cmd_env() {
  echo "export KAFKA_BROKERS=$HOST:$KAFKA_PORT"
  echo "export SCHEMA_REGISTRY_URL=$(registry_url)"
  echo "export MONGODB_URI=mongodb://$HOST:$MONGO_PORT"
}

usage() {
  # The header comment of this file is the usage text.
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2
  exit 2
}

main() {
  (($# > 0)) || usage
  local command="$1"
  shift
  local servers=()
  while (($# > 0)); do
    case "$1" in
      --keep-data) KEEP_DATA=1 ;;
      --mongo-file)
        (($# > 1)) || die "--mongo-file needs a path"
        MONGO_FILE="$2"
        shift
        ;;
      -h | --help) usage ;;
      -*) die "unknown option $1" ;;
      *) servers+=("$1") ;;
    esac
    shift
  done
  ((${#servers[@]} > 0)) || servers=("${ALL_SERVERS[@]}")
  check_servers "${servers[@]}"
  case "$command" in
    install) cmd_install "${servers[@]}" ;;
    start) cmd_start "${servers[@]}" ;;
    stop) cmd_stop "${servers[@]}" ;;
    status) cmd_status "${servers[@]}" ;;
    env) cmd_env ;;
    *) usage ;;
  esac
}

main "$@"
