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
