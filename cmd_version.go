package main

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// Version is the release of the framework; the commit comes from the build information.
const Version = "0.1.0-dev"

func init() {
	register(&cli.Command{
		Name:  "version",
		Usage: "print the version, the commit and the Go toolchain",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(c.App.Writer, "ncgn %s commit %s %s %s/%s\n", Version, commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	})
}

// commit returns the VCS revision the binary was built from, or "unknown".
func commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "unknown", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

// asExitCoder reports whether err wraps a cli.ExitCoder and stores it in target.
func asExitCoder(err error, target *cli.ExitCoder) bool { return errors.As(err, target) }
