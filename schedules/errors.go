package schedules

import "errors"

// ErrConfig reports a schedule configuration that cannot be used: a number of nodes or
// neighbours below 1, an unknown kind, a curvature or split outside its range.
var ErrConfig = errors.New("bad schedule configuration")
