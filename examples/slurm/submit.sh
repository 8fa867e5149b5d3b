#!/bin/bash
# Submits a sharded dosesim Monte Carlo run to SLURM: a job array of SHARDS shards (sweep.sbatch),
# then the merge (merge.sbatch), which starts only once every shard has succeeded.
#
# Usage: [VAR=value …] submit.sh SCENARIO OUT_DIR
#   SCENARIO  scenario file or directory, exactly as you would give it to `dosesim run` (it is
#             recorded as written: run submit.sh from the directory you would run dosesim in)
#   OUT_DIR   where the merged outputs go
# Environment (all optional):
#   SHARDS         number of shards = array tasks                       (default: 16)
#   DOSESIM_FLAGS  flags of `dosesim run`                               (default: --method mc)
#                  e.g. "--method mc --trials 1e8 --seed 2026"; not --shard/--out/--threads
#   DOSESIM        the dosesim binary                                   (default: dosesim on PATH)
#   PARTS_DIR      the shards' part files                               (default: OUT_DIR-parts)
#   LOG_DIR        the jobs' logs                                       (default: OUT_DIR-logs)
#   SBATCH_ARGS    extra sbatch options for both jobs, split at spaces,
#                  e.g. "--partition=short --account=abc --cpus-per-task=8"
#   ONLY           re-submit only these array indices (sbatch syntax: "7" or "3,7,12-13") of an
#                  earlier submission with the same settings, then the merge again
set -euo pipefail

die() { echo "submit.sh: error: $*" >&2; exit 2; }
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

[ $# -eq 2 ] || die "usage: [SHARDS=16] [DOSESIM_FLAGS='--method mc …'] submit.sh SCENARIO OUT_DIR"
here=$(cd "$(dirname "$0")" && pwd)

SCENARIO=$1                                   # kept as written: it is part of the results
OUT_DIR=$(abs "${2%/}")
SHARDS=${SHARDS:-16}
DOSESIM_FLAGS=${DOSESIM_FLAGS:---method mc}
DOSESIM=${DOSESIM:-dosesim}
PARTS_DIR=$(abs "${PARTS_DIR:-$OUT_DIR-parts}")
LOG_DIR=$(abs "${LOG_DIR:-$OUT_DIR-logs}")
ONLY=${ONLY:-}
read -r -a sbatch_args <<<"${SBATCH_ARGS:-}"

[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || die "SHARDS must be a positive integer, not '$SHARDS'"
[ -e "$SCENARIO" ] || die "scenario $SCENARIO not found (relative to $PWD)"
# The jobs may run with another PATH: pass the binary by absolute path.
if [[ $DOSESIM == */* ]]; then
  DOSESIM=$(abs "$DOSESIM")
  [ -x "$DOSESIM" ] || die "DOSESIM=$DOSESIM is not an executable file"
else
  resolved=$(command -v "$DOSESIM") || die "$DOSESIM not found on PATH; set DOSESIM=/path/to/dosesim"
  DOSESIM=$resolved
fi
if [ -z "$ONLY" ]; then
  array=0-$((SHARDS - 1))
  # Stale parts of another run would make the merge refuse (or, with the same N, be overwritten).
  if compgen -G "$PARTS_DIR/part-*-of-*.json" >/dev/null; then
    die "$PARTS_DIR already holds part files; remove them, choose another PARTS_DIR," \
        "or set ONLY=… to re-run only some shards of that run"
  fi
else
  array=$ONLY
fi
mkdir -p "$PARTS_DIR" "$LOG_DIR"   # SLURM does not create the directory of --output
export DOSESIM SCENARIO PARTS_DIR OUT_DIR DOSESIM_FLAGS SHARDS

# The values travel in the environment (named in --export, not as NAME=value there: sbatch splits
# --export at commas, and flags such as --preset storer,korn contain some).
array_job=$(sbatch --parsable --array="$array" \
  --export=ALL,DOSESIM,SCENARIO,PARTS_DIR,DOSESIM_FLAGS,SHARDS \
  --output="$LOG_DIR/%x_%A_%a.log" "${sbatch_args[@]}" "$here/sweep.sbatch")
array_job=${array_job%%;*}          # --parsable prints "jobid" or "jobid;cluster"

# afterok: the merge runs only if every task succeeds. --kill-on-invalid-dep=yes: if one fails, the
# merge is CANCELLED (DependencyNeverSatisfied) instead of pending forever.
if ! merge_job=$(sbatch --parsable --dependency=afterok:"$array_job" --kill-on-invalid-dep=yes \
    --export=ALL,DOSESIM,PARTS_DIR,OUT_DIR,DOSESIM_FLAGS \
    --output="$LOG_DIR/%x_%j.log" "${sbatch_args[@]}" "$here/merge.sbatch"); then
  die "the merge was not submitted (array job $array_job was); submit it by hand:" \
      "sbatch --dependency=afterok:$array_job $here/merge.sbatch (with the same environment)"
fi
merge_job=${merge_job%%;*}

rerun="ONLY=<index> SHARDS=$SHARDS DOSESIM=$DOSESIM DOSESIM_FLAGS='$DOSESIM_FLAGS'"
[ "$PARTS_DIR" = "$OUT_DIR-parts" ] || rerun+=" PARTS_DIR=$PARTS_DIR"
[ "$LOG_DIR" = "$OUT_DIR-logs" ] || rerun+=" LOG_DIR=$LOG_DIR"
cat <<MSG
array job: $array_job  (dosesim-shard, indices $array of $SHARDS shards; logs $LOG_DIR/dosesim-shard_${array_job}_<index>.log)
merge job: $merge_job  (dosesim-merge, once every shard succeeded; log $LOG_DIR/dosesim-merge_$merge_job.log)
same as:   $DOSESIM run $SCENARIO $DOSESIM_FLAGS --out $OUT_DIR
watch:     squeue -j $array_job,$merge_job      (when done: sacct -X -j $array_job,$merge_job, or scontrol show job)
result:    $OUT_DIR/summary.csv, results.json, report.html, … once the merge is COMPLETED
if a shard fails, the merge is cancelled; fix the cause, then re-run that shard and the merge:
           $rerun \\
             $0 $SCENARIO $OUT_DIR
MSG
