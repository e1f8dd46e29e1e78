package experiments

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
)

// Experiment reproduces one section of the paper: its tables and figures, declared by the
// sub-package that owns the section (e.g. experiments/transcriptomics for Section 5.2).
type Experiment struct {
	Name    string   // the command-line name, e.g. "transcriptomics"; lower case, no spaces
	Section string   // where in the paper, e.g. "Section 5.2, Appendix B.3 and D.2"
	Summary string   // one line: what it reproduces
	Outputs []string // the files it writes into its output folder, e.g. "table3.md"
	// Package is the import path of the package that computes the cells: its code, and the
	// code of everything it imports from this module, is fingerprinted into every cache key
	// (Fingerprint, CodeState).
	Package string
	// Cells lists the names of the cells (independently computed and cached units) at a
	// scale, in the order they are computed; --only selects among them (Select).
	Cells func(Scale) ([]string, error)
	// Needs, if set, gives for each cell at a scale what it depends on besides its own
	// computation: the cache names of the networks it evaluates (first seed; --list-cells).
	Needs func(Scale) (map[string][]string, error)
	// Run computes the selected cells (reusing cached ones) and writes the outputs.
	Run func(ctx context.Context, env Env) error
	// Data, if set, says what the experiment reads (the usage of its --data flag); empty: it
	// makes its own data and has no --data flag.
	Data string
	// Options are the experiment's own choices (each a --NAME flag), read from Env.Options.
	Options []Option
}

// Option is a named choice of an experiment among fixed values, e.g. the test selection.
type Option struct {
	Name    string   // the flag name, e.g. "selection"
	Usage   string   // what it chooses
	Values  []string // the allowed values
	Default string   // one of Values
}

// Option returns the value of option name in env (its default when not given).
func (e Experiment) Option(env Env, name string) (string, error) {
	for _, o := range e.Options {
		if o.Name != name {
			continue
		}
		v, ok := env.Options[name]
		if !ok || v == "" {
			return o.Default, nil
		}
		if !slices.Contains(o.Values, v) {
			return "", fmt.Errorf("experiments: --%s %q: want one of %s: %w", name, v, strings.Join(o.Values, ", "), ErrConfig)
		}
		return v, nil
	}
	return "", fmt.Errorf("experiments: experiment %s has no option %q: %w", e.Name, name, ErrConfig)
}

// Dir returns the folder a run of env writes into: env.OutDir with the default options, else
// its sub-folder named after each option that differs from its default, "NAME-VALUE", joined
// by "_" in the order of e.Options (e.g. OUT/norm-batch, OUT/sampler-ddim_norm-batch), so that
// a variant never overwrites the default results.
func (e Experiment) Dir(env Env) (string, error) {
	var parts []string
	for _, o := range e.Options {
		v, err := e.Option(env, o.Name)
		if err != nil {
			return "", err
		}
		if v != o.Default {
			parts = append(parts, o.Name+"-"+v)
		}
	}
	if len(parts) == 0 {
		return env.OutDir, nil
	}
	return filepath.Join(env.OutDir, strings.Join(parts, "_")), nil
}

// Env is what a run of an experiment receives from the command line.
type Env struct {
	Scale  Scale
	OutDir string   // the experiment's own folder, e.g. experiments/out/transcriptomics
	Only   []string // cell patterns (Select); empty selects every cell
	Seed   int64    // the base seed; every draw of the run derives from it
	// Commit is the repository state the run is made from (Commit), recorded in every table.
	Commit string
	// Seeds is the number of training seeds (replicates: network initialisation, training and
	// sampling draws; the data stay the same) each cell is computed for; 0 means 1.
	Seeds int
	// Code is the state of the code that computes the cells (CodeOf); an experiment computes it
	// itself when it is empty.
	Code CodeState
	// Data is the data folder given on the command line (--data); "" lets the experiment look
	// in its default places.
	Data string
	// Options holds the values of the experiment's options (Experiment.Options) given on the
	// command line, by name; a missing one takes its default.
	Options map[string]string
	// Shard restricts the run to its part of the work (--shard); the zero Shard is all of it.
	Shard Shard
	// Report computes nothing: the run writes its tables and figures from what the output
	// folder holds and returns an error wrapping ErrIncomplete listing the cells still missing.
	Report bool
	// Log receives one line per event (a cell computed or reused, a model trained); nil is
	// silent. Progress receives progress bars; nil shows none.
	Log      io.Writer
	Progress io.Writer
}

// Logf writes one line to env.Log, if any.
func (env Env) Logf(format string, a ...any) {
	if env.Log != nil {
		fmt.Fprintf(env.Log, format+"\n", a...)
	}
}

// Validate checks an experiment definition.
func (e Experiment) Validate() error {
	switch {
	case e.Name == "" || strings.ContainsAny(e.Name, " \t/\\") || e.Name != strings.ToLower(e.Name):
		return fmt.Errorf("experiments: experiment name %q: want a non-empty lower-case word: %w", e.Name, ErrConfig)
	case e.Run == nil || e.Cells == nil:
		return fmt.Errorf("experiments: experiment %q has no Run or no Cells function: %w", e.Name, ErrConfig)
	}
	for _, o := range e.Options {
		if o.Name == "" || !slices.Contains(o.Values, o.Default) {
			return fmt.Errorf("experiments: experiment %q: option %q with default %q not among %v: %w", e.Name, o.Name, o.Default, o.Values, ErrConfig)
		}
	}
	return nil
}

// Registry holds the experiments by name.
type Registry struct {
	byName map[string]Experiment
	order  []string
}

// NewRegistry returns a registry of the given experiments; names must be unique.
func NewRegistry(exps ...Experiment) (*Registry, error) {
	r := &Registry{byName: map[string]Experiment{}}
	for _, e := range exps {
		if err := r.Add(e); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add registers e; its name must be new.
func (r *Registry) Add(e Experiment) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if _, dup := r.byName[e.Name]; dup {
		return fmt.Errorf("experiments: experiment %q registered twice: %w", e.Name, ErrConfig)
	}
	r.byName[e.Name] = e
	r.order = append(r.order, e.Name)
	slices.Sort(r.order)
	return nil
}

// Get returns the experiment called name.
func (r *Registry) Get(name string) (Experiment, error) {
	e, ok := r.byName[name]
	if !ok {
		return Experiment{}, fmt.Errorf("experiments: no experiment %q (have %s): %w", name, strings.Join(r.order, ", "), ErrConfig)
	}
	return e, nil
}

// All returns the experiments sorted by name.
func (r *Registry) All() []Experiment {
	out := make([]Experiment, len(r.order))
	for i, n := range r.order {
		out[i] = r.byName[n]
	}
	return out
}

// CodeOf returns the CodeState of an experiment's package: the fingerprint of the code that
// computes its cells. Package experiments itself (tables, plots, the cache) is left out: it
// does not change a cell's value.
func CodeOf(pkg string) (CodeState, error) {
	return Fingerprint(".", pkg, "github.com/ncgn/ncgn/experiments")
}

// Replicates returns the number of seeds of env (at least 1).
func (env Env) Replicates() int { return max(env.Seeds, 1) }

// CodeFor returns the code state that computes the cells of package pkg: env.Code when the
// caller set it (tests, a deployed binary), else CodeOf(pkg); it logs a warning when the code
// has uncommitted changes.
func (env Env) CodeFor(pkg string) (CodeState, error) {
	code := env.Code
	if code.Fingerprint == "" {
		var err error
		if code, err = CodeOf(pkg); err != nil {
			return CodeState{}, err
		}
	}
	if len(code.Dirty) > 0 {
		env.Logf("warning: the code of this experiment has uncommitted changes (%s): cells computed now are cached under that code's fingerprint and labelled %s", strings.Join(code.Dirty, ", "), code.Commit)
	}
	return code, nil
}

// Incomplete returns nil without missing cell replicates, else an error wrapping
// ErrIncomplete that names the first 20 of them and counts the rest; experiment names the
// experiment.
func Incomplete(experiment string, missing []string) error {
	if len(missing) == 0 {
		return nil
	}
	list, more := missing, ""
	if len(list) > 20 {
		list, more = list[:20], fmt.Sprintf(" and %d more", len(missing)-20)
	}
	return fmt.Errorf("%s: %d cell replicates missing: %s%s: %w", experiment, len(missing), strings.Join(list, ", "), more, ErrIncomplete)
}
