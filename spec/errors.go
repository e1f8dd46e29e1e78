package spec

import "errors"

// ErrConfig reports a Run that cannot be built: an unknown architecture, task or process,
// sizes that do not fit together, a config.json that cannot be read. Every error of this
// package wraps it or an error of the package it called.
var ErrConfig = errors.New("bad run spec")
