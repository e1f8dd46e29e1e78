package experiments

import (
	"os"
	"os/exec"
	"path/filepath"
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

// TestCommit_ResultsDoNotDirty: changes under the results folder leave the commit clean,
// changes anywhere else (tracked or untracked) mark it dirty.
func TestCommit_ResultsDoNotDirty(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("init", "-q")
	write("code.go", "package x\n")
	write("out/exp/table.md", "old\n")
	run("add", ".")
	run("commit", "-q", "-m", "init")
	clean := regexp.MustCompile(`^[0-9a-f]{40}$`)
	results := filepath.Join(dir, "out", "exp")

	if got := Commit(dir, results); !clean.MatchString(got) {
		t.Fatalf("clean tree: Commit = %q, want a bare hash", got)
	}
	write("out/exp/table.md", "new\n")
	write("out/exp/cache/cell.json", "{}\n")
	if got := Commit(dir, results); !clean.MatchString(got) {
		t.Errorf("changed results only: Commit = %q, want a bare hash", got)
	}
	if got := Commit(dir); got[len(got)-6:] != "+dirty" {
		t.Errorf("changed results, none excluded: Commit = %q, want +dirty", got)
	}
	// Another experiment's results (networks it lends) count unless their folder is excluded:
	// the command line excludes the whole output root.
	write("out/other/cache/net.json", "{}\n")
	if got := Commit(dir, results); got[len(got)-6:] != "+dirty" {
		t.Errorf("another experiment's results, own folder excluded: Commit = %q, want +dirty", got)
	}
	if got := Commit(dir, results, filepath.Join(dir, "out")); !clean.MatchString(got) {
		t.Errorf("another experiment's results, output root excluded: Commit = %q, want a bare hash", got)
	}
	if got := Commit(dir, "/elsewhere/out"); got[len(got)-6:] != "+dirty" {
		t.Errorf("results outside the tree: Commit = %q, want +dirty", got)
	}
	write("code.go", "package y\n")
	if got := Commit(dir, results); got[len(got)-6:] != "+dirty" {
		t.Errorf("changed code: Commit = %q, want +dirty", got)
	}
	run("checkout", "-q", "code.go")
	write("new.go", "package x\n")
	if got := Commit(dir, results); got[len(got)-6:] != "+dirty" {
		t.Errorf("untracked code: Commit = %q, want +dirty", got)
	}
}
