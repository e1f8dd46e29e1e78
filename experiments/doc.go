// Package experiments holds what every experiment shares: scale presets, the registry, and the
// writing of results tables (markdown, csv, json) to experiments/out with the paper's numbers
// beside ours. One sub-package per paper section reproduces its tables and figures.
//
//   - Scale: smoke (seconds, CI), small (the committed results, an hour on 2 cores) and paper.
//   - Experiment, Registry, Env: what the `experiment` command runs, by name.
//   - Select: --only patterns over cell names (a name, a prefix ending at "/", or a glob).
//   - Table, Meta, WriteTable: a results table declared as data, with the preset, seeds, data,
//     wall time and commit (Commit) of the run, written as NAME.md, NAME.csv and NAME.json.
//   - Cache: computed cells and trained networks keyed by the hash (Key) of everything that
//     determines them, so a re-run reuses them.
//   - LinePlot: figures drawn with gonum.org/v1/plot.
//
// docs/experiments.md explains how to run the experiments and where the results go.
package experiments
