package graphs

import "errors"

// Sentinel errors; every error of this package wraps one of them, so callers can use errors.Is.
var (
	// ErrShape reports sizes that do not fit together: a position slice whose length is not
	// n*dim, a dimension below 1, an index out of range, plans of different dimensions.
	ErrShape = errors.New("bad shape")
	// ErrValue reports a value that cannot be used: a NaN or infinite coordinate, a noise
	// level outside [0, 1].
	ErrValue = errors.New("bad value")
	// ErrConfig reports a configuration that cannot be used: k < 1, an unknown graph kind,
	// a missing random source, a bad schedule.
	ErrConfig = errors.New("bad configuration")
)
