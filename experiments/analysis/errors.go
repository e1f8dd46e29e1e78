package analysis

import (
	"fmt"

	"github.com/ncgn/ncgn/experiments"
)

// errShape marks inputs of the wrong size; it wraps experiments.ErrConfig so that the command
// line reports it as a usage error.
var errShape = fmt.Errorf("bad shape: %w", experiments.ErrConfig)
