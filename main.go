// Command ncgn is the command line of the ncgn research framework: noise-conditioned graph
// networks (Dynamic Message Passing) for geometric generative modelling, after
// "Geometric Generative Modeling with Noise-Conditioned Graph Networks" (ICML 2025).
//
// main.go holds the urfave/cli wiring only; each command lives in its own cmd_*.go file and
// registers itself with register.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
)

// commands is filled by the init functions of the cmd_*.go files.
var commands []*cli.Command

// register adds a command to the application.
func register(c *cli.Command) { commands = append(commands, c) }

// newApp builds the ncgn application; out and errOut receive its normal and error output.
func newApp(out, errOut io.Writer) *cli.App {
	cmds := append([]*cli.Command(nil), commands...)
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	app := &cli.App{
		Name:  "ncgn",
		Usage: "noise-conditioned graph networks: Dynamic Message Passing for geometric generative models",
		Description: "Reproduces \"Geometric Generative Modeling with Noise-Conditioned Graph Networks\" (ICML 2025).\n" +
			"Noise level convention everywhere: t = 0 is pure noise, t = 1 is data.",
		Commands:             cmds,
		Writer:               out,
		ErrWriter:            errOut,
		EnableBashCompletion: true,
		HideHelpCommand:      false,
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				_ = cli.ShowAppHelp(c)
				return cli.Exit(fmt.Sprintf("ncgn: unknown command %q", c.Args().First()), 2)
			}
			return cli.ShowAppHelp(c)
		},
		OnUsageError: usageError,
		// Errors come back from Run; only main prints them and exits, so commands can be run
		// in-process by tests.
		ExitErrHandler: func(*cli.Context, error) {},
	}
	for _, cmd := range app.Commands {
		if cmd.OnUsageError == nil {
			cmd.OnUsageError = usageError
		}
	}
	return app
}

// usageError prints the usage of the command that was misused and turns the error into exit code 2.
func usageError(c *cli.Context, err error, isSubcommand bool) error {
	if c.Command != nil && c.Command.Name != "" {
		_ = cli.ShowSubcommandHelp(c)
	} else {
		_ = cli.ShowAppHelp(c)
	}
	return cli.Exit(fmt.Sprintf("ncgn: %v", err), 2)
}

// exitCode returns the exit code and message of an error returned by the application: an
// ExitCoder's own; 2 for a missing required flag (a usage error, as every other); 1 otherwise.
func exitCode(err error) (int, string) {
	var ec cli.ExitCoder
	if asExitCoder(err, &ec) {
		return ec.ExitCode(), ec.Error()
	}
	if strings.HasPrefix(err.Error(), "Required flag") {
		return 2, "ncgn: " + err.Error()
	}
	return 1, "ncgn: " + err.Error()
}

func main() {
	app := newApp(os.Stdout, os.Stderr)
	if err := app.Run(os.Args); err != nil {
		code, msg := exitCode(err)
		if msg != "" {
			fmt.Fprintln(os.Stderr, msg)
		}
		os.Exit(code)
	}
}
