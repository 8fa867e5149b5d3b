#!/bin/bash
# End-to-end test of examples/slurm/ on a real, throw-away, single-node SLURM (recipe:
# /work/shared/slurm/README.md): a sharded Monte Carlo run as a job array + dependent merge must
# give outputs byte-identical to the same run in one process; then a shard that fails must cancel
# the merge, and re-running only that shard (submit.sh with ONLY=) must give them again.
#
# Usage: bash tests/slurm/run.sh   (as root, Debian 12; from any directory)
# Environment (optional):
#   DOSESIM          dosesim binary to test (default: cargo build --release, target/release/dosesim)
#   SHARDS           shards = array tasks                    (default: 4)
#   SCENARIO         scenario, relative to the repository    (default: scenarios/textbook_cases.toml)
#   DOSESIM_FLAGS    (default: --method mc --trials 200000 --seed 2026)
#   SLURM_CTLD_PORT / SLURMD_PORT   ports of the private cluster (default: 6917 / 6918)
#   SLURM_CPUS       CPUs the node declares                  (default: nproc)
#   JOB_TIMEOUT      seconds to wait for each batch of jobs  (default: 120)
#   SKIP_RECOVERY=1  only the first part
# Installs slurmctld, slurmd, slurm-client and munge with apt-get if slurmctld is missing.
# Everything (daemons, temp dirs) is removed on exit, failure included; /etc is not touched
# (except by the package install, which creates /etc/munge/munge.key).
set -euo pipefail

CALLER_PWD=$PWD
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

SHARDS=${SHARDS:-4}
SCENARIO=${SCENARIO:-scenarios/textbook_cases.toml}
FLAGS=${DOSESIM_FLAGS:---method mc --trials 200000 --seed 2026}
CTLD_PORT=${SLURM_CTLD_PORT:-6917}
D_PORT=${SLURMD_PORT:-6918}
CPUS=${SLURM_CPUS:-$(nproc)}
JOB_TIMEOUT=${JOB_TIMEOUT:-120}
# Settings of an enclosing SLURM job or of the user (SBATCH_PARTITION, SLURM_CONF, …) would leak
# into our sbatch/squeue calls and jobs.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SLURM|SBATCH|SQUEUE|SCONTROL|SINFO)_' || true)
unset ONLY SBATCH_ARGS PARTS_DIR LOG_DIR OUT_DIR

say() { printf '\n=== %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }          # print a command, then run it
die() { echo "tests/slurm/run.sh: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (it starts slurmctld/slurmd and installs packages)"
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || die "SHARDS must be a positive integer"
start=$SECONDS

# --- 1. Install ------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null; then
  say "installing SLURM and munge"
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi
for c in slurmctld slurmd sbatch squeue scontrol scancel sinfo munged; do
  command -v "$c" >/dev/null || die "$c not found after install"
done

# --- 2. Build --------------------------------------------------------------------------------
if [ -z "${DOSESIM:-}" ]; then
  say "building dosesim"
  command -v cargo >/dev/null || PATH=$HOME/.cargo/bin:$PATH
  run cargo build --release --quiet
  DOSESIM=$ROOT/target/release/dosesim
fi
case $DOSESIM in
  /*) ;;
  */*) DOSESIM=$CALLER_PWD/$DOSESIM ;;                      # relative to where we were started
  *) DOSESIM=$(command -v "$DOSESIM") || die "DOSESIM=$DOSESIM not found on PATH" ;;
esac
if [ ! -f "$DOSESIM" ] || [ ! -x "$DOSESIM" ]; then die "DOSESIM=$DOSESIM is not an executable file"; fi
built=$SECONDS

# --- 3. Start a private cluster ----------------------------------------------------------------
SLURM_BASE=$(mktemp -d -t dosesim-slurm.XXXXXX)
export SLURM_CONF=$SLURM_BASE/slurm.conf    # honoured by the daemons and every client
B=$SLURM_BASE
H=$(hostname -s)
JOBS=()                                     # every job id we submitted, for teardown

ours() {  # is the controller that answers ours (not another cluster's on a clashing port)?
  [ "$(timeout 5 scontrol show config 2>/dev/null | sed -n 's/^SLURM_CONF *= *//p')" = "$SLURM_CONF" ]
}
teardown() {
  local rc=$? f pids i
  trap - EXIT INT TERM
  set +e
  if [ $rc != 0 ]; then
    echo -e "\n=== FAILED (exit $rc); jobs and logs:" >&2
    ours && timeout 10 squeue -t all -o '%i %j %T %r %M' >&2
    for f in "$B"/work/*-logs/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
    [ -s "$B/log/jobcomp.txt" ] && { echo "--- jobcomp.txt" >&2; cat "$B/log/jobcomp.txt" >&2; }
    for f in "$B"/log/slurmctld.log "$B"/log/slurmd.log "$B"/munge/munged.log; do
      [ -f "$f" ] && { echo "--- tail $f" >&2; tail -n 25 "$f" >&2; }
    done
  fi
  if [ ${#JOBS[@]} -gt 0 ] && ours; then   # cancel only our jobs, then let them drain (<= 10 s)
    timeout 10 scancel "${JOBS[@]}" 2>/dev/null
    for i in $(seq 100); do [ -z "$(timeout 5 squeue -h 2>/dev/null)" ] && break; sleep 0.1; done
  fi
  pids=$(cat "$B/slurmd.pid" "$B/slurmctld.pid" "$B/munge/munged.pid" 2>/dev/null)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086  # a list of PIDs
    kill $pids 2>/dev/null
    # shellcheck disable=SC2086
    for i in $(seq 150); do kill -0 $pids 2>/dev/null || break; sleep 0.1; done
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null
  fi
  rm -rf "$B"
  exit $rc
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "starting munged, slurmctld, slurmd in $B (ports $CTLD_PORT/$D_PORT, $CPUS CPUs)"
chmod 755 "$B"                              # munged runs as munge and must reach $B/munge
mkdir -p "$B/state" "$B/spool" "$B/log" "$B/munge" "$B/work"
[ -s /etc/munge/munge.key ] || run runuser -u munge -- mungekey --create
chown munge:munge "$B/munge"
run runuser -u munge -- munged --socket="$B/munge/socket" --pid-file="$B/munge/munged.pid" \
  --log-file="$B/munge/munged.log" --seed-file="$B/munge/munged.seed"
MEM=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
cat >"$SLURM_CONF" <<CONF
ClusterName=dosesim-ci
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$D_PORT
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$B/munge/socket
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$B/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MinJobAge=600
StateSaveLocation=$B/state
SlurmdSpoolDir=$B/spool
SlurmctldPidFile=$B/slurmctld.pid
SlurmdPidFile=$B/slurmd.pid
SlurmctldLogFile=$B/log/slurmctld.log
SlurmdLogFile=$B/log/slurmd.log
SlurmdParameters=config_overrides
NodeName=$H NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
run slurmctld
run slurmd
ready=0
for _ in $(seq 150); do    # <= 30 s: the node is idle AND the controller answering is ours
  if [ "$(timeout 5 sinfo -h -n "$H" -o %T 2>/dev/null)" = idle ] && ours; then ready=1; break; fi
  sleep 0.2
done
[ $ready = 1 ] || die "SLURM not ready after 30 s"
echo "node $H idle after $((SECONDS - built)) s"

# --- helpers ---------------------------------------------------------------------------------
# submit [VAR=value…]: run examples/slurm/submit.sh, print its output, set ARRAY_JOB/MERGE_JOB.
submit() {
  local out
  printf '+ %s examples/slurm/submit.sh %s %s\n' "$*" "$SCENARIO" "$OUT"
  out=$(env "$@" SHARDS="$SHARDS" DOSESIM_FLAGS="$FLAGS" LOG_DIR="$OUT-logs" \
        SBATCH_ARGS="--cpus-per-task=1" examples/slurm/submit.sh "$SCENARIO" "$OUT") ||
    die "submit.sh failed"
  printf '%s\n' "$out" | indent
  ARRAY_JOB=$(sed -n 's/^array job: *\([0-9][0-9]*\).*/\1/p' <<<"$out")
  MERGE_JOB=$(sed -n 's/^merge job: *\([0-9][0-9]*\).*/\1/p' <<<"$out")
  if [ -z "$ARRAY_JOB" ] || [ -z "$MERGE_JOB" ]; then die "no job ids in the output of submit.sh"; fi
  JOBS+=("$ARRAY_JOB" "$MERGE_JOB")
}
# wait_jobs EXPECTED: bounded wait until ARRAY_JOB and MERGE_JOB have left PD/R/CG/CF, then compare
# their final states ("<task or job id> <state>" lines, sorted) with EXPECTED.
wait_jobs() {
  local expected=$1 deadline=$((SECONDS + JOB_TIMEOUT)) t0=$SECONDS states
  while squeue -h -j "$ARRAY_JOB,$MERGE_JOB" -t PD,R,CG,CF 2>/dev/null | grep -q .; do
    [ $SECONDS -lt $deadline ] || die "jobs still not finished after $JOB_TIMEOUT s"
    sleep 0.5
  done
  states=$(squeue -h -j "$ARRAY_JOB,$MERGE_JOB" -t all -o '%i %T' | sort -V)
  echo "jobs done after $((SECONDS - t0)) s:"
  printf '%s\n' "$states" | indent
  [ "$states" = "$expected" ] || die "unexpected final job states; expected:"$'\n'"$expected"
}
# same_as_single DIR: DIR must be byte-identical to the one-process run.
same_as_single() {
  run diff -r "$SINGLE" "$1" || die "$1 differs from the one-process run $SINGLE"
  echo "identical: $(find "$1" -type f | wc -l) files"
}
states_all() {  # STATE_OF_TASK_0 … STATE_OF_TASK_N-1 STATE_OF_MERGE: the lines wait_jobs expects
  local args=("$@") n=$(($# - 1)) i lines=""
  for ((i = 0; i < n; i++)); do lines+="${ARRAY_JOB}_$i ${args[i]}"$'\n'; done
  printf '%s%s %s' "$lines" "$MERGE_JOB" "${args[n]}"
}
indent() { sed 's/^/  | /'; }

# --- 4. The run in one process, for reference --------------------------------------------------
say "one-process reference run"
SINGLE=$B/work/single
read -r -a flags <<<"$FLAGS"
run "$DOSESIM" run "$SCENARIO" "${flags[@]}" --out "$SINGLE" -q

# --- 5. Array of shards + dependent merge ------------------------------------------------------
say "$SHARDS shards as a job array, then the merge"
OUT=$B/work/merged
submit DOSESIM="$DOSESIM"
ok=(); for _ in $(seq "$SHARDS"); do ok+=(COMPLETED); done
wait_jobs "$(states_all "${ok[@]}" COMPLETED)"
same_as_single "$OUT"

# --- 6. A failing shard cancels the merge; re-running only that shard repairs the run ----------
if [ "${SKIP_RECOVERY:-}" != 1 ] && [ "$SHARDS" -ge 2 ]; then
  bad=$((SHARDS / 2))
  say "shard $bad fails: the merge must be cancelled; then re-run only shard $bad (ONLY=$bad)"
  failing=$B/work/failing-dosesim   # dosesim, except that array task $bad fails
  cat >"$failing" <<WRAP
#!/bin/bash
if [ "\${SLURM_ARRAY_TASK_ID:-}" = $bad ]; then echo "injected failure of shard $bad" >&2; exit 3; fi
exec "$DOSESIM" "\$@"
WRAP
  chmod +x "$failing"
  OUT=$B/work/recovered
  submit DOSESIM="$failing"
  expected=(); for i in $(seq 0 $((SHARDS - 1))); do
    if [ "$i" = $bad ]; then expected+=(FAILED); else expected+=(COMPLETED); fi
  done
  wait_jobs "$(states_all "${expected[@]}" CANCELLED)"
  [ ! -e "$OUT" ] || die "the cancelled merge wrote $OUT"
  grep -q "injected failure of shard $bad" "$OUT-logs/dosesim-shard_${ARRAY_JOB}_$bad.log" ||
    die "the log of the failed shard lacks its error"
  submit DOSESIM="$DOSESIM" ONLY=$bad
  wait_jobs "${ARRAY_JOB}_$bad COMPLETED"$'\n'"$MERGE_JOB COMPLETED"
  same_as_single "$OUT"
fi

say "SLURM end-to-end OK: $SHARDS shards merged byte-identical to one process" \
    "($((SECONDS - built)) s after the build, $((SECONDS - start)) s in all)"
