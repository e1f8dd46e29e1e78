#!/usr/bin/env bash
# compare-peer.sh: time the PyTorch CPU peer (../shared/peers/torch_dmp.py bench) and our
# benchmarks (BenchmarkTrainStep, BenchmarkSampleStep of ./benchmarks) back to back on the same
# configurations and thread count, several rounds interleaved, and print the speed ratios
# peer_time / our_time (above 1: we are faster), ending with one line per configuration
#
#   RATIO modelnet-dmp-gat train=1.23 sample=2.34
#
# (medians over rounds of the per-round ratios; a build other than the default pure-Go one is
# named after the configuration: RATIO modelnet-dmp-gat@openblas ...). What is compared:
#   train:  the peer's train_graph_build_ms + train_step_plus_ema_ms (medians over its timed
#           steps: noising, graphs, collation; zero_grad, forward, loss, backward, Adam, LR
#           schedule; EMA) against our p50-ms/op of BenchmarkTrainStep (median over the timed
#           steps of the whole step: draws and noising, Plans and Batch, forward, backward,
#           Adam, EMA).
#   sample: the peer's sample_step_ms (median over its sampling steps of graph build + eval
#           forward + DDPM/Euler update) against our p50-ms/op of BenchmarkSampleStep (median
#           over the same number of levels, spread the same way over the sampler's grid).
# Both sides get the same number of threads (the peer's --threads; GOMAXPROCS for us) and wait
# for a quiet machine first (the peer's --wait-idle; the same test of /proc/stat for us); the
# share of the machine other processes used while each side ran is recorded (other_cpu_frac),
# and the peak memory of each process (max RSS: the peer's whole run, our training benchmark's).
#
# Usage: scripts/compare-peer.sh [options]      (from anywhere; paths are relative to the repo)
#   -c LIST   configurations, comma-separated <task>-<kind>-<conv> names of BenchmarkTrainStep
#             (default modelnet-dmp-gat,modelnet-dmp-gcn,modelnet-knn-gat,st-dmp-gat,st-full-gat;
#             tasks modelnet, st; kinds dmp, knn, long-short (modelnet), full (st); gcn, gat)
#   -r N      rounds (default 3); each round runs every configuration, peer and ours, and
#             alternates which side goes first
#   -s N      timed training steps per run (default 10; both sides add warm-up steps)
#   -p N      timed sampling steps per run (default 20), spread over the sampler's grid
#   -j N      threads (default 2)
#   -w SEC    wait up to SEC seconds for a quiet machine before each run (default 60)
#   -t LIST   our builds, comma-separated: "purego" (the default build, no tags) or build tags
#             joined by "+" (e.g. openblas); each is timed in every round (default purego)
#   -o DIR    keep raw logs and results.jsonl in DIR (default: a new temporary folder)
#   -q        quick: 1 round, 3 training and 5 sampling steps, modelnet-dmp-gat and st-dmp-gat,
#             no waiting (a check that everything runs, not a measurement); options after -q
#             override it
#   -h        this help
# Needs /usr/bin/python3 with torch (apt-get install -y python3-torch) and go.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

configs="modelnet-dmp-gat,modelnet-dmp-gcn,modelnet-knn-gat,st-dmp-gat,st-full-gat"
rounds=3 steps=10 picks=20 threads=2 wait=60 builds=purego out=""
while getopts "c:r:s:p:j:w:t:o:qh" opt; do
	case $opt in
	c) configs=$OPTARG ;;
	r) rounds=$OPTARG ;;
	s) steps=$OPTARG ;;
	p) picks=$OPTARG ;;
	j) threads=$OPTARG ;;
	w) wait=$OPTARG ;;
	t) builds=$OPTARG ;;
	o) out=$OPTARG ;;
	q) rounds=1 steps=3 picks=5 wait=0 configs="modelnet-dmp-gat,st-dmp-gat" ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for flag in r:$rounds s:$steps p:$picks j:$threads; do
	if ! [[ ${flag#*:} =~ ^[1-9][0-9]*$ ]]; then
		echo "compare-peer.sh: -${flag%%:*} ${flag#*:}: want a positive integer" >&2
		exit 2
	fi
done
if ! [[ $wait =~ ^[0-9]+$ ]]; then
	echo "compare-peer.sh: -w $wait: want seconds (an integer >= 0)" >&2
	exit 2
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$repo/../shared" 2>/dev/null && pwd) || {
	echo "compare-peer.sh: $repo/../shared not found (it holds peers/torch_dmp.py)" >&2
	exit 1
}
peer="$shared/peers/torch_dmp.py"
[ -f "$peer" ] || { echo "compare-peer.sh: $peer not found" >&2; exit 1; }
py=/usr/bin/python3
if ! "$py" -c "import torch" 2>/dev/null; then
	echo "compare-peer.sh: $py cannot import torch (apt-get install -y python3-torch python3-pot python3-scipy)" >&2
	exit 1
fi

# Map a configuration name to the peer's flags; fail on unknown names.
peer_flags() {
	local name=$1 task kind conv gnn
	IFS=- read -r task kind conv <<<"${name/long-short/long_short}"
	case $task in modelnet | st) ;; *) return 1 ;; esac
	case $conv in gcn | gat) ;; *) return 1 ;; esac
	case $task/$kind in
	modelnet/dmp | modelnet/knn | st/dmp | st/knn) gnn=$kind ;;
	modelnet/long_short) gnn=long_short ;;
	st/full) gnn=fully_connected ;;
	*) return 1 ;;
	esac
	echo "--task $task --gnn $gnn --conv $conv"
}
IFS=, read -r -a cfgs <<<"$configs"
for c in "${cfgs[@]}"; do
	peer_flags "$c" >/dev/null || {
		echo "compare-peer.sh: -c: unknown configuration $c (want modelnet-{dmp,knn,long-short}-{gcn,gat} or st-{dmp,knn,full}-{gcn,gat})" >&2
		exit 2
	}
done

[ -n "$out" ] || out=$(mktemp -d /tmp/compare-peer.XXXXXX)
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"

# The commit measured, and whether the measured code differs from it (uncommitted changes in the
# library packages, or in the benchmarks): a diff's checksum tells two dirty states apart.
commit=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
lib="layers models graphs generative schedules"
# shellcheck disable=SC2086
dirty=$(git -C "$repo" status --porcelain -- $lib 2>/dev/null | wc -l)
# shellcheck disable=SC2086
diffsum=$(git -C "$repo" diff HEAD -- $lib 2>/dev/null | sha1sum | cut -c1-12)
benchdirty=$(git -C "$repo" status --porcelain -- benchmarks 2>/dev/null | wc -l)
IFS=, read -r -a blds <<<"$builds"
state="$dirty changed files in $lib (diff $diffsum), $benchdirty in benchmarks"
echo "== compare-peer: commit $commit ($state); builds ${blds[*]}"
echo "== configs ${cfgs[*]}; rounds $rounds; $steps train steps, $picks sample steps; $threads threads; wait-idle ${wait}s; logs in $out"
for b in "${blds[@]}"; do
	if ! [[ $b =~ ^[a-z0-9_]+(\+[a-z0-9_]+)*$ ]]; then
		echo "compare-peer.sh: -t: bad build $b (want purego or tags joined by +)" >&2
		exit 2
	fi
	tags=${b//+/,}
	[ "$b" != purego ] || tags=""
	(cd "$repo" && go test -c ${tags:+-tags "$tags"} -o "$out/benchmarks-$b.test" ./benchmarks/) || {
		echo "compare-peer.sh: building the benchmarks ($b) failed" >&2
		exit 1
	}
done

# busy_jiffies prints the machine's busy CPU time in clock ticks (all CPUs, /proc/stat).
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
hz=$(getconf CLK_TCK)
ncpu=$(nproc)

# wait_idle waits up to $wait s until other processes use < 10% of the machine for two
# consecutive 1-second windows (the peer's rule); prints the seconds waited.
wait_idle() {
	local start=$SECONDS ok=0 b0 b1
	[ "$wait" -gt 0 ] || { echo 0; return; }
	while ((SECONDS - start < wait)); do
		b0=$(busy_jiffies)
		sleep 1
		b1=$(busy_jiffies)
		if awk -v d=$((b1 - b0)) -v hz="$hz" -v n="$ncpu" 'BEGIN{exit !(d/hz/n < 0.10)}'; then
			ok=$((ok + 1))
		else
			ok=0
		fi
		((ok < 2)) || break
	done
	echo $((SECONDS - start))
}

# run_ours BUILD BENCH CONFIG BENCHTIME LOG: runs one benchmark of ours in its own process and
# prints "p50_ms other_cpu_frac max_rss_kb" (p50 empty on failure).
run_ours() {
	local bin="$out/benchmarks-$1.test" bench=$2 cfg=$3 n=$4 log=$5 b0 b1 t0 t1 p50
	b0=$(busy_jiffies)
	t0=$(date +%s.%N)
	GOMAXPROCS=$threads /usr/bin/time -f "%U %S %M" -o "$log.time" "$bin" -test.run '^$' \
		-test.bench "^Benchmark${bench}\$/^${cfg}\$" -test.benchtime "${n}x" -test.benchmem \
		-picks "$picks" >"$log" 2>&1 || true
	t1=$(date +%s.%N)
	b1=$(busy_jiffies)
	p50=$(awk -v b="Benchmark${bench}/${cfg}-" 'index($1, b) == 1 {for (i = 3; i < NF; i++) if ($(i+1) == "p50-ms/op") print $i}' "$log" | tail -1)
	read -r u s rss < <(tail -1 "$log.time") || { u=0 s=0 rss=0; }
	awk -v db=$((b1 - b0)) -v hz="$hz" -v n="$ncpu" -v t0="$t0" -v t1="$t1" -v u="$u" -v s="$s" -v p="$p50" -v rss="$rss" \
		'BEGIN{o = (db/hz - u - s)/((t1 - t0)*n); if (o < 0) o = 0; printf "%s %.3f %s\n", p, o, rss}'
}

for ((round = 1; round <= rounds; round++)); do
	for c in "${cfgs[@]}"; do
		flags=$(peer_flags "$c")
		order="peer ours"
		((round % 2 == 1)) || order="ours peer"
		for side in $order; do
			if [ "$side" = peer ]; then
				log="$out/peer-$c-r$round.log"
				echo "-- round $round $c: peer"
				# shellcheck disable=SC2086
				if (cd "$shared" && /usr/bin/time -f "%M" -o "$log.time" "$py" peers/torch_dmp.py bench $flags --batch 128 \
					--steps "$steps" --sample-steps "$picks" --threads "$threads" --wait-idle "$wait") >"$log" 2>"$log.err"; then
					"$py" -c 'import json,sys; r=json.loads(sys.stdin.read().strip().splitlines()[-1]); r.update(round=int(sys.argv[1]), config=sys.argv[2], side="peer", max_rss_kb=int(open(sys.argv[3]).read().split()[-1])); print(json.dumps(r))' \
						"$round" "$c" "$log.time" <"$log" >>"$results"
				else
					echo "   peer failed: see $log.err" >&2
				fi
			else
				for b in "${blds[@]}"; do
					log="$out/ours-$b-$c-r$round"
					waited=$(wait_idle)
					echo "-- round $round $c: ours, $b (waited ${waited}s for a quiet machine)"
					read -r tr_p50 tr_other tr_rss <<<"$(run_ours "$b" TrainStep "$c" "$steps" "$log-train.log")"
					waited2=$(wait_idle)
					read -r sa_p50 sa_other sa_rss <<<"$(run_ours "$b" SampleStep "$c" "$picks" "$log-sample.log")"
					if [ -z "$tr_p50" ] || [ -z "$sa_p50" ]; then
						echo "   ours failed: see $log-train.log, $log-sample.log" >&2
						continue
					fi
					"$py" -c 'import json,sys; a=sys.argv; print(json.dumps(dict(round=int(a[1]), config=a[2], build=a[3], side="ours", train_ms=float(a[4]), sample_ms=float(a[5]), other_cpu_frac_train=float(a[6]), other_cpu_frac_sample=float(a[7]), max_rss_train_kb=int(a[8]), max_rss_sample_kb=int(a[9]), waited_idle_s=int(a[10])+int(a[11]))))' \
						"$round" "$c" "$b" "$tr_p50" "$sa_p50" "$tr_other" "$sa_other" "$tr_rss" "$sa_rss" "$waited" "$waited2" >>"$results"
				done
			fi
		done
	done
done

# The table and the RATIO lines: per round, ratio = peer / ours; medians over rounds.
"$py" - "$results" "$commit" "$state" "$builds" "$threads" <<'EOF'
import json, statistics, sys
path, commit, state, builds, threads = sys.argv[1:6]
builds = builds.split(",")
rows = [json.loads(l) for l in open(path) if l.strip()]
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
configs = []
for r in rows:
    if r["config"] not in configs:
        configs.append(r["config"])
print()
print(f"commit {commit} ({state}); builds {', '.join(builds)}; threads {threads}")
print("times are medians over rounds (ms); ratio = peer / ours per round, then the median over rounds; other = max other_cpu_frac")
hdr = ("config", "rounds", "peer train", "ours train", "train x", "peer sample", "ours sample", "sample x", "maxRSS MiB peer / ours", "other peer", "other ours")
print("| " + " | ".join(hdr) + " |")
print("|" + "---|" * len(hdr))
lines = []
for c, b in [(c, b) for c in configs for b in builds]:
    name = c if b == "purego" else f"{c}@{b}"
    peer = {r["round"]: r for r in rows if r["config"] == c and r["side"] == "peer"}
    ours = {r["round"]: r for r in rows if r["config"] == c and r["side"] == "ours" and r["build"] == b}
    both = sorted(set(peer) & set(ours))
    if not both:
        print(f"| {name} | 0 | no complete round |")
        continue
    pt = {k: peer[k]["train_graph_build_ms"] + peer[k]["train_step_plus_ema_ms"] for k in both}
    ps = {k: peer[k]["sample_step_ms"] for k in both}
    rt = med([pt[k] / ours[k]["train_ms"] for k in both])
    rs = med([ps[k] / ours[k]["sample_ms"] for k in both])
    op = max(max(peer[k]["other_cpu_frac_train"], peer[k]["other_cpu_frac_sample"]) for k in both)
    oo = max(max(ours[k]["other_cpu_frac_train"], ours[k]["other_cpu_frac_sample"]) for k in both)
    rss = max(ours[k]["max_rss_train_kb"] for k in both) / 1024
    prss = max(peer[k].get("max_rss_kb", 0) for k in both) / 1024
    print(f"| {name} | {len(both)} | {med(pt.values()):.0f} | {med([ours[k]['train_ms'] for k in both]):.0f} | {rt:.2f} "
          f"| {med(ps.values()):.0f} | {med([ours[k]['sample_ms'] for k in both]):.0f} | {rs:.2f} | {prss:.0f} / {rss:.0f} | {op:.3f} | {oo:.3f} |")
    lines.append(f"RATIO {name} train={rt:.2f} sample={rs:.2f}")
print()
print("\n".join(lines))
EOF
