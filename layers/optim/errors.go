package optim

import (
	"errors"

	"github.com/ncgn/ncgn/layers"
)

// ErrConfig reports an invalid optimiser, EMA or warm-up setting. It is layers.ErrConfig, so
// errors.Is matches either name.
var ErrConfig = layers.ErrConfig

// ErrShape reports a parameter, gradient or state tensor of the wrong shape or dtype. It is
// layers.ErrShape.
var ErrShape = layers.ErrShape

// ErrNonFinite reports a NaN or Inf where a finite number is needed (a gradient norm).
var ErrNonFinite = errors.New("non-finite value")

// ErrState reports saved optimiser or EMA state that cannot be loaded: not such state,
// corrupt, or made for parameters of another layout (names, shapes, dtype); and misuse of state
// (a Params changed after the optimiser was made, an EMA used while swapped in).
var ErrState = errors.New("bad optimiser state")
