package main

import (
	"fmt"

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
