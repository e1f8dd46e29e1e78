// Package experiments holds what every experiment shares: scale presets, the registry, and the
// writing of results tables (markdown, csv, json) to experiments/out with the paper's numbers
// beside ours. One sub-package per paper section reproduces its tables and figures.
package experiments
