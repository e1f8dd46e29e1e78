package transcriptomics

import "errors"

// Sentinel errors; every error of this package wraps one of them (test with errors.Is).
var (
	// ErrConfig reports an invalid simulator Config.
	ErrConfig = errors.New("invalid configuration")
	// ErrInput reports a bad argument: a sample count, a grid, a frame label, a slice length,
	// a gene index or a task that does not fit the grid.
	ErrInput = errors.New("invalid input")
	// ErrNormalisation reports a normalisation table that is malformed, degenerate (max = min)
	// or lacks a frame label that is needed.
	ErrNormalisation = errors.New("invalid normalisation")
	// ErrDiverged reports a simulation whose state became NaN or infinite.
	ErrDiverged = errors.New("simulation diverged")
)
