package generative

import "errors"

// Sentinel errors; every error of this package wraps one of them (or an error of the package
// it called), so callers can use errors.Is.
var (
	// ErrShape reports sizes that do not fit together: a sample whose length is not
	// Nodes·Dim, a denoiser output of the wrong shape, a mask of the wrong length.
	ErrShape = errors.New("bad shape")
	// ErrValue reports a value that cannot be used: a NaN or infinite data entry, a noise
	// level outside [0, 1], a step index out of range.
	ErrValue = errors.New("bad value")
	// ErrConfig reports a configuration that cannot be used: an unknown process, a batch size
	// below 1, both or neither of epochs and steps.
	ErrConfig = errors.New("bad configuration")
	// ErrNonFinite reports a NaN or Inf that stopped training or sampling: the loss, a
	// gradient or the network output.
	ErrNonFinite = errors.New("non-finite value")
	// ErrCheckpoint reports a run folder that cannot be used: no checkpoint to resume from, a
	// checkpoint already present for a fresh run, a damaged or mismatched checkpoint.
	ErrCheckpoint = errors.New("bad checkpoint")
)
