package main

import (
	"fmt"
	"math"

	"github.com/urfave/cli/v2"
)

// rejectArgs returns the usage error (exit code 2) of command name given stray arguments, nil
// when there are none.
func rejectArgs(c *cli.Context, name string) error {
	if c.Args().Present() {
		return cli.Exit(fmt.Sprintf("ncgn %s: unexpected argument %q (every input is given with a flag; see --help)", name, c.Args().First()), 2)
	}
	return nil
}

// positive returns the usage error (exit code 2) of command name for the first of the given
// int or float flags whose value is not positive: no zero silently becomes a default.
func positive(c *cli.Context, name string, flags ...string) error {
	for _, f := range flags {
		var v float64
		switch x := c.Value(f).(type) {
		case int:
			v = float64(x)
		case int64:
			v = float64(x)
		case float64:
			v = x
		default:
			continue
		}
		if !(v > 0) {
			return cli.Exit(fmt.Sprintf("ncgn %s: --%s %v: want a positive number", name, f, c.Value(f)), 2)
		}
	}
	return nil
}

// warnK writes, for command name, a warning when k asks for more neighbours than a cloud of n
// points has: the graphs then use all n-1 others (kNN, long-short) or clamp k_t (DMP).
func warnK(c *cli.Context, name string, k, n int) {
	if k >= n {
		fmt.Fprintf(c.App.ErrWriter, "ncgn %s: warning: -k %d but the clouds have %d points: each node gets all %d others as neighbours (k is clamped to n-1)\n", name, k, n, n-1)
	}
}

// rangeLimit is the largest |value| of training data that train accepts without a warning:
// DDPM clips its x0 prediction to [-1, 1] and flow matching starts from N(0, 1), so data far
// beyond it train badly or not at all.
const rangeLimit = 10

// warnRange writes, for command name, a warning when the data of file reach far beyond the
// range the generative processes assume, suggesting --normalize.
func warnRange(c *cli.Context, name, file string, data []float64) {
	var m float64
	for _, v := range data {
		m = math.Max(m, math.Abs(v))
	}
	if m > rangeLimit {
		fmt.Fprintf(c.App.ErrWriter, "ncgn %s: warning: %s reaches |x| = %.3g, far outside the range the processes assume (DDPM clips x0 to [-1, 1], flow matching starts from N(0, 1)); --normalize maps the data to it and sample maps back\n", name, file, m)
	}
}
