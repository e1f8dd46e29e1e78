package experiments

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// scratchModule writes a module with packages a, b (importing a) and c into a new git
// repository with one commit, and returns its folder.
func scratchModule(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":      "module scratch\n\ngo 1.21\n",
		"a/a.go":      "package a\n\nfunc A() int { return 1 }\n",
		"b/b.go":      "package b\n\nimport \"scratch/a\"\n\nfunc B() int { return a.A() + 1 }\n",
		"b/b_test.go": "package b\n",
		"c/c.go":      "package c\n\nfunc C() int { return 3 }\n",
	}
	for name, text := range files {
		writeFile(t, filepath.Join(dir, name), text)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "scratch"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
	}
	return dir
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFingerprint_FollowsTheCodeACellDependsOn changes files of a scratch repository and
// checks the fingerprint of package b: a changed line in b's dependency a gives a new
// fingerprint and a "+dirty" commit naming the file; a changed test file or an unrelated
// package leaves both as they were; reverting the change restores the fingerprint; an excluded
// package does not count.
func TestFingerprint_FollowsTheCodeACellDependsOn(t *testing.T) {
	t.Setenv(EnvFingerprint, "")
	dir := scratchModule(t)
	clean, err := Fingerprint(dir, "./b")
	if err != nil {
		t.Fatal(err)
	}
	if len(clean.Fingerprint) != 64 || clean.Commit == "unknown" || len(clean.Dirty) != 0 || len(clean.Commit) != 40 {
		t.Fatalf("clean state %+v", clean)
	}
	check := func(what string, wantSame bool, wantDirty []string) {
		t.Helper()
		got, err := Fingerprint(dir, "./b")
		if err != nil {
			t.Fatal(err)
		}
		if (got.Fingerprint == clean.Fingerprint) != wantSame {
			t.Errorf("%s: fingerprint changed = %v, want %v", what, got.Fingerprint != clean.Fingerprint, !wantSame)
		}
		if !slices.Equal(got.Dirty, wantDirty) || (len(wantDirty) > 0) != (got.Commit == clean.Commit+"+dirty") {
			t.Errorf("%s: commit %s, dirty %v; want dirty %v", what, got.Commit, got.Dirty, wantDirty)
		}
	}
	writeFile(t, filepath.Join(dir, "c/c.go"), "package c\n\nfunc C() int { return 4 }\n")
	check("unrelated package changed", true, nil)
	writeFile(t, filepath.Join(dir, "b/b_test.go"), "package b\n\n// a test\n")
	check("test file changed", true, nil)
	writeFile(t, filepath.Join(dir, "a/a.go"), "package a\n\nfunc A() int { return 2 }\n")
	check("dependency changed", false, []string{"a/a.go"})
	ex, err := Fingerprint(dir, "./b", "scratch/a")
	if err != nil {
		t.Fatal(err)
	}
	exClean := ex
	writeFile(t, filepath.Join(dir, "a/a.go"), "package a\n\nfunc A() int { return 1 }\n")
	check("dependency reverted", true, nil)
	if ex, err = Fingerprint(dir, "./b", "scratch/a"); err != nil || ex.Fingerprint != exClean.Fingerprint {
		t.Errorf("excluding a: fingerprint %s then %s (%v), want one", exClean.Short(), ex.Short(), err)
	}

	t.Setenv(EnvFingerprint, "abc")
	t.Setenv(EnvCommit, "deadbeef")
	if got, err := Fingerprint(t.TempDir(), "./nothing"); err != nil || got.Fingerprint != "abc" || got.Commit != "deadbeef" {
		t.Errorf("override: %+v, %v", got, err)
	}
	t.Setenv(EnvFingerprint, "")
	if _, err := Fingerprint(t.TempDir(), "./nothing"); err == nil {
		t.Error("no module: no error")
	}
}
