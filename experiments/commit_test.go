package experiments

import (
	"os/exec"
	"regexp"
	"testing"
)

func TestCommit(t *testing.T) {
	if got := Commit(t.TempDir()); got != "unknown" {
		t.Errorf("Commit outside a repository = %q, want unknown", got)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	got := Commit(".")
	if got == "unknown" {
		t.Skip("the package is not in a git work tree")
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}(\+dirty)?$`).MatchString(got) {
		t.Errorf("Commit(.) = %q, want 40 hex digits, optionally +dirty", got)
	}
}
