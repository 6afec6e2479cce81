#!/usr/bin/env bash
# A private single-node Slurm cluster for the tests: munged, slurmctld and
# slurmd from Debian's packages, configured in a temp dir on free ports,
# with their state, sockets and logs in that dir. The node offers 64 CPUs
# and 4 GPUs whatever the machine has (SlurmdParameters=config_overrides;
# the GPUs are /dev/null-like device files in the dir), so tests can ask
# for several tasks and GPUs on a 2-core machine.
#
#   scripts/test-slurm.sh run CMD...   start one, run CMD with SLURM_CONF
#                                      set to its slurm.conf, stop it (CMD's
#                                      status is returned); with SLURM_CONF
#                                      already set, just run CMD
#   scripts/test-slurm.sh start DIR    start (configuring when DIR is
#                                      empty) and print the slurm.conf path
#   scripts/test-slurm.sh stop DIR     stop every daemon
#   scripts/test-slurm.sh ctld-stop DIR / ctld-start DIR
#                                      stop (SIGTERM) or start the
#                                      controller alone
#   scripts/test-slurm.sh remove DIR   stop and delete DIR
#
# Runs as root: slurmd starts tasks as the submitting user.
set -euo pipefail

sbin=/usr/sbin
[ -x "$sbin/slurmctld" ] && [ -x "$sbin/munged" ] ||
  { echo "Slurm is not installed (make deps)" >&2; exit 1; }

# A TCP port free right now (node is installed for the e2e tests anyway).
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

configure() {
  local dir=$1 host
  host=$(hostname -s)
  mkdir -p "$dir"/{state,spool,log,dev,munge}
  chmod 700 "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  for i in 0 1 2 3; do [ -e "$dir/dev/gpu$i" ] || mknod "$dir/dev/gpu$i" c 1 3; done
  cat >"$dir/slurm.conf" <<EOF
ClusterName=drover-test
SlurmctldHost=$host
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
PriorityType=priority/multifactor
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
GresTypes=gpu
SlurmdParameters=config_overrides
MinJobAge=600
KillWait=5
OverTimeLimit=0
MessageTimeout=10
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
NodeName=$host CPUs=64 RealMemory=65536 Gres=gpu:4 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  cat >"$dir/gres.conf" <<EOF
NodeName=$host Name=gpu File=$dir/dev/gpu[0-3]
EOF
  cat >"$dir/cgroup.conf" <<EOF
CgroupPlugin=cgroup/v1
EOF
}

munge_start() {
  local dir=$1
  [ -S "$dir/munge/munge.socket" ] && munge -n -S "$dir/munge/munge.socket" >/dev/null 2>&1 && return 0
  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed"
}

ctld_start() {
  local dir=$1
  SLURM_CONF=$dir/slurm.conf "$sbin/slurmctld" 2>>"$dir/log/slurmctld.err"
}

ctld_stop() {
  local dir=$1 pid
  pid=$(cat "$dir/slurmctld.pid" 2>/dev/null) || return 0
  # As `systemctl restart slurmctld` does: SIGTERM, and the controller
  # saves its state before it exits.
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$dir/slurmctld.pid"
}

start() {
  local dir=$1
  [ -f "$dir/slurm.conf" ] || configure "$dir"
  munge_start "$dir"
  ctld_start "$dir"
  SLURM_CONF=$dir/slurm.conf "$sbin/slurmd" 2>>"$dir/log/slurmd.err"
  # Ready when the node takes jobs.
  for _ in $(seq 300); do
    if SLURM_CONF=$dir/slurm.conf sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then
      echo "$dir/slurm.conf"
      return 0
    fi
    sleep 0.1
  done
  echo "Slurm did not come up; its logs:" >&2
  tail -n 20 "$dir"/log/* >&2
  exit 1
}

stop() {
  local dir=$1 pid
  for f in slurmd.pid slurmctld.pid munge/munged.pid; do
    pid=$(cat "$dir/$f" 2>/dev/null) || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  return 0
}

case "${1:-}" in
  run)
    shift
    if [ -n "${SLURM_CONF:-}" ]; then exec "$@"; fi
    dir=$(mktemp -d /tmp/drover-slurm.XXXXXX)
    trap 'stop "$dir"; rm -rf "$dir"' EXIT
    SLURM_CONF=$(start "$dir")
    export SLURM_CONF
    status=0
    "$@" || status=$?
    exit $status
    ;;
  start) start "$2" ;;
  stop) stop "$2" ;;
  ctld-stop) ctld_stop "$2" ;;
  ctld-start) ctld_start "$2" ;;
  remove) stop "$2"; rm -rf "$2" ;;
  *) sed -n '2,19p' "$0" >&2; exit 2 ;;
esac
