package dit

import "github.com/ncgn/ncgn/experiments"

// errConfig is experiments.ErrConfig: every configuration error of the package wraps it.
var errConfig = experiments.ErrConfig
