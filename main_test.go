package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs the command line in-process (newApp leaves exiting to main) and returns its
// standard output, its error output (with the returned error appended) and the exit code the
// binary would have.
func runCLI(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	err := newApp(&out, &errOut).Run(append([]string{"ncgn"}, args...))
	if err != nil {
		code, _ = exitCode(err)
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

// runApp returns runCLI's two outputs together.
func runApp(args ...string) (string, int) {
	out, errOut, code := runCLI(args...)
	return out + errOut, code
}

func TestCLI_HelpListsCommands(t *testing.T) {
	out, code := runApp("--help")
	if code != 0 {
		t.Fatalf("--help exited %d", code)
	}
	for _, c := range []string{"version", "data", "eval", "schedule"} {
		if !strings.Contains(out, c) {
			t.Errorf("--help does not list %q:\n%s", c, out)
		}
	}
}

func TestCLI_UnknownCommandAndFlag(t *testing.T) {
	for _, args := range [][]string{{"nosuch"}, {"version", "--nosuch"}, {"--nosuch"}} {
		out, code := runApp(args...)
		if code == 0 {
			t.Errorf("%v exited 0", args)
		}
		if !strings.Contains(out, "USAGE") {
			t.Errorf("%v does not print the usage:\n%s", args, out)
		}
	}
}

func TestCLI_Version(t *testing.T) {
	out, code := runApp("version")
	if code != 0 || !strings.HasPrefix(out, "ncgn "+Version) {
		t.Fatalf("version: exit %d, output %q", code, out)
	}
}
