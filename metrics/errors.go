package metrics

import "errors"

// Sentinel errors; every error returned by this package wraps one of them, so callers can
// tell bad shapes from bad values with errors.Is.
var (
	// ErrShape reports sizes that do not fit: a cost slice that is not n x n, sets of
	// different sizes where equal sizes are required, ragged vectors or clouds, empty sets.
	ErrShape = errors.New("shape mismatch")
	// ErrValue reports a value that cannot be used: NaN or ±Inf in a cost, vector or point, or
	// a non-positive normaliser.
	ErrValue = errors.New("bad value")
)
