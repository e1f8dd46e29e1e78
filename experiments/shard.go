package experiments

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is one part of a run split over several processes that share one output folder:
// shard Index of Count (0 ≤ Index < Count). A run's work units (a network with the cells that
// use it, or a cell without a network), in the order the run would compute them, go to the
// shards round robin, so every process derives the same partition from the preset alone and a
// network's evaluation stays in the shard that trains it. The zero Shard is the whole run.
type Shard struct {
	Index int
	Count int
}

// Owns reports whether the shard computes unit k of the run's ordered units.
func (s Shard) Owns(k int) bool { return s.Count <= 1 || k%s.Count == s.Index }

// String returns "I/N", or "all" for the whole run.
func (s Shard) String() string {
	if s.Count <= 1 {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Environment variables that --shard auto reads.
const (
	EnvJobIndex   = "JOB_COMPLETION_INDEX"   // Kubernetes Indexed Jobs: the pod's index
	EnvShardCount = "NCGN_SHARD_COUNT"       // the shard count for Kubernetes (set it to the Job's completions)
	EnvSlurmTask  = "SLURM_ARRAY_TASK_ID"    // SLURM job arrays: the task's id
	EnvSlurmCount = "SLURM_ARRAY_TASK_COUNT" // SLURM: the number of tasks
	EnvSlurmMin   = "SLURM_ARRAY_TASK_MIN"   // SLURM: the first task id (subtracted from the id)
)

// ParseShard parses --shard: "I/N" (0 ≤ I < N), or "auto", which reads the index and count
// from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with NCGN_SHARD_COUNT) or a SLURM job
// array (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT) through
// getenv. "" is the whole run. Errors wrap ErrConfig and say what is missing.
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	bad := func(format string, a ...any) (Shard, error) {
		return Shard{}, fmt.Errorf("experiments: --shard %q: %s: %w", s, fmt.Sprintf(format, a...), ErrConfig)
	}
	num := func(name, v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s = %q is not a non-negative integer", name, v)
		}
		return n, nil
	}
	var sh Shard
	switch {
	case s == "":
		return Shard{}, nil
	case s == "auto":
		switch {
		case getenv(EnvJobIndex) != "":
			i, err := num(EnvJobIndex, getenv(EnvJobIndex))
			if err != nil {
				return bad("%v", err)
			}
			if getenv(EnvShardCount) == "" {
				return bad("%s is set (a Kubernetes Indexed Job) but %s is not: set it to the Job's completions", EnvJobIndex, EnvShardCount)
			}
			n, err := num(EnvShardCount, getenv(EnvShardCount))
			if err != nil {
				return bad("%v", err)
			}
			sh = Shard{Index: i, Count: n}
		case getenv(EnvSlurmTask) != "":
			i, err := num(EnvSlurmTask, getenv(EnvSlurmTask))
			if err != nil {
				return bad("%v", err)
			}
			lo := 0
			if v := getenv(EnvSlurmMin); v != "" {
				if lo, err = num(EnvSlurmMin, v); err != nil {
					return bad("%v", err)
				}
			}
			n, err := num(EnvSlurmCount, getenv(EnvSlurmCount))
			if err != nil {
				return bad("%v (a SLURM job array sets it)", err)
			}
			sh = Shard{Index: i - lo, Count: n}
		default:
			return bad("neither %s (Kubernetes Indexed Job) nor %s (SLURM job array) is set", EnvJobIndex, EnvSlurmTask)
		}
	default:
		is, ns, ok := strings.Cut(s, "/")
		if !ok {
			return bad("want I/N (0 <= I < N) or auto")
		}
		i, err := num("I", is)
		if err != nil {
			return bad("%v", err)
		}
		n, err := num("N", ns)
		if err != nil {
			return bad("%v", err)
		}
		sh = Shard{Index: i, Count: n}
	}
	if sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
		return bad("shard %d of %d: want 0 <= index < count", sh.Index, sh.Count)
	}
	return sh, nil
}

// ErrIncomplete reports a report run (--report) of a folder that lacks cells.
var ErrIncomplete = fmt.Errorf("cells missing")
