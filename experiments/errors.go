package experiments

import "errors"

// Sentinel errors; every error of this package wraps one of them (test with errors.Is).
var (
	// ErrConfig reports an unusable experiment definition or run configuration: an unknown
	// scale, a duplicate or empty experiment name, a --only pattern that selects nothing.
	ErrConfig = errors.New("invalid experiment configuration")
	// ErrTable reports a results table that is inconsistent: a cell naming a row, column or
	// metric the table does not declare, a duplicate cell, a non-finite value.
	ErrTable = errors.New("invalid results table")
	// ErrCache reports a cache entry that cannot be read or written.
	ErrCache = errors.New("cell cache")
	// ErrKept reports a table that WriteTable did not replace: the files show computed cells
	// and the new table has none (its cells are cached for another code state, or not yet).
	ErrKept = errors.New("table kept")
)
