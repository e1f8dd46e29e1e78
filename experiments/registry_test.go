package experiments

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func testExperiment(name string) Experiment {
	return Experiment{
		Name:  name,
		Cells: func(Scale) ([]string, error) { return []string{"a/x", "a/y", "b/x"}, nil },
		Run:   func(context.Context, Env) error { return nil },
	}
}

func TestRegistry(t *testing.T) {
	r, err := NewRegistry(testExperiment("zeta"), testExperiment("alpha"))
	if err != nil {
		t.Fatal(err)
	}
	all := r.All()
	if len(all) != 2 || all[0].Name != "alpha" || all[1].Name != "zeta" {
		t.Fatalf("All() names %v, want [alpha zeta]", []string{all[0].Name, all[1].Name})
	}
	if e, err := r.Get("zeta"); err != nil || e.Name != "zeta" {
		t.Fatalf("Get(zeta) = %q, %v", e.Name, err)
	}
	if _, err := r.Get("nosuch"); !errors.Is(err, ErrConfig) {
		t.Fatalf("Get(nosuch) error %v, want ErrConfig", err)
	}
}

func TestRegistry_Rejects(t *testing.T) {
	noRun := testExperiment("norun")
	noRun.Run = nil
	cases := []struct {
		name string
		exps []Experiment
	}{
		{"duplicate", []Experiment{testExperiment("a"), testExperiment("a")}},
		{"empty name", []Experiment{testExperiment("")}},
		{"space in name", []Experiment{testExperiment("a b")}},
		{"upper case", []Experiment{testExperiment("Table")}},
		{"no run", []Experiment{noRun}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewRegistry(tc.exps...); !errors.Is(err, ErrConfig) {
				t.Fatalf("NewRegistry error %v, want ErrConfig", err)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	cells := []string{"table3/unconditional/dmp-gcn", "table3/unconditional/random", "table3/knockout/dmp-gcn", "figure11/dmp/L2"}
	cases := []struct {
		name     string
		patterns []string
		want     []string
		err      bool
	}{
		{"none selects all", nil, cells, false},
		{"exact", []string{"figure11/dmp/L2"}, []string{"figure11/dmp/L2"}, false},
		{"prefix", []string{"table3/unconditional"}, cells[:2], false},
		{"prefix with slash", []string{"table3/unconditional/"}, cells[:2], false},
		{"glob", []string{"table3/*/dmp-gcn"}, []string{cells[0], cells[2]}, false},
		{"two patterns keep cell order", []string{"figure11", "table3/knockout/dmp-gcn"}, []string{cells[2], cells[3]}, false},
		{"partial word is not a prefix", []string{"table3/uncond"}, nil, true},
		{"no match", []string{"table4"}, nil, true},
		{"bad glob", []string{"table3/[/x"}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Select(cells, tc.patterns)
			if tc.err {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("Select(%v) error %v, want ErrConfig", tc.patterns, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Select(%v) = %v, want %v", tc.patterns, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("Select(%v) = %v, want %v", tc.patterns, got, tc.want)
				}
			}
		})
	}
}

// TestParseShard checks --shard: I/N, auto from a Kubernetes Indexed Job and from a SLURM job
// array (its first id subtracted), and the errors of bad values and missing variables.
func TestParseShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		s    string
		env  func(string) string
		want Shard
		err  string
	}{
		{"", env(), Shard{}, ""},
		{"2/5", env(), Shard{2, 5}, ""},
		{"auto", env(EnvJobIndex, "3", EnvShardCount, "4"), Shard{3, 4}, ""},
		{"auto", env(EnvSlurmTask, "7", EnvSlurmMin, "5", EnvSlurmCount, "3"), Shard{2, 3}, ""},
		{"auto", env(EnvSlurmTask, "0", EnvSlurmCount, "2"), Shard{0, 2}, ""},
		{"5/5", env(), Shard{}, "want 0 <= index < count"},
		{"x", env(), Shard{}, "want I/N"},
		{"1/b", env(), Shard{}, "not a non-negative integer"},
		{"auto", env(), Shard{}, "neither"},
		{"auto", env(EnvJobIndex, "1"), Shard{}, EnvShardCount},
		{"auto", env(EnvSlurmTask, "1"), Shard{}, EnvSlurmCount},
	} {
		got, err := ParseShard(tc.s, tc.env)
		if tc.err == "" && (err != nil || got != tc.want) || tc.err != "" && (!errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseShard(%q): %v, %v; want %v, error containing %q", tc.s, got, err, tc.want, tc.err)
		}
	}
	// Round robin: every unit belongs to exactly one shard.
	for k := range 10 {
		n := 0
		for i := range 3 {
			if (Shard{i, 3}).Owns(k) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("unit %d owned by %d shards", k, n)
		}
	}
}

// TestExperiment_Dir checks the folder of a run: the experiment's own with the default
// options, a sub-folder named after each option that differs from its default in the order of
// the options otherwise, and an error naming an unknown value.
func TestExperiment_Dir(t *testing.T) {
	e := Experiment{Name: "x", Options: []Option{
		{Name: "sampler", Values: []string{"ddpm", "ddim"}, Default: "ddpm"},
		{Name: "norm", Values: []string{"running", "batch"}, Default: "running"},
	}}
	for _, c := range []struct {
		opts map[string]string
		want string
	}{
		{nil, "out"},
		{map[string]string{"sampler": "ddpm", "norm": ""}, "out"},
		{map[string]string{"norm": "batch"}, filepath.Join("out", "norm-batch")},
		{map[string]string{"norm": "batch", "sampler": "ddim"}, filepath.Join("out", "sampler-ddim_norm-batch")},
	} {
		if got, err := e.Dir(Env{OutDir: "out", Options: c.opts}); err != nil || got != c.want {
			t.Errorf("options %v: %q, %v; want %q", c.opts, got, err, c.want)
		}
	}
	if _, err := e.Dir(Env{OutDir: "out", Options: map[string]string{"norm": "layer"}}); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "--norm") {
		t.Errorf("unknown value: %v, want ErrConfig naming --norm", err)
	}
}
