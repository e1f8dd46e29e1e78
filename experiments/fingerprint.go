package experiments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// CodeState identifies the code that computes an experiment's cells. Fingerprint keys the
// cache: a change of any source file the experiment depends on gives a new fingerprint, so the
// next run recomputes its cells without anyone remembering to bump a version. Commit is what
// results report: the git revision the sources were read at, with "+dirty" when any of those
// source files differs from it (the cells are then keyed by the dirty content and labelled so:
// a dirty tree never feeds the cache silently).
type CodeState struct {
	Fingerprint string `json:"fingerprint"`
	Commit      string `json:"commit"`
	// Dirty lists the fingerprinted files with uncommitted changes (relative to the module).
	Dirty []string `json:"dirty,omitempty"`
}

// The environment variables that give a CodeState where the Go toolchain or the sources are
// not at hand (a deployed binary): the fingerprint and the commit it stands for.
const (
	EnvFingerprint = "NCGN_CODE_FINGERPRINT"
	EnvCommit      = "NCGN_CODE_COMMIT"
	// EnvCodeStates names a file of PackageState lines (JSON, one per experiment package), as
	// `ncgn experiment NAME --code-state` prints them at build time (deploy/Dockerfile).
	EnvCodeStates = "NCGN_CODE_STATES"
)

// PackageState is the code state of one experiment package, a line of an EnvCodeStates file.
type PackageState struct {
	Package string `json:"package"`
	CodeState
}

// stateFromFile returns the code state of pkg from the EnvCodeStates file at path.
func stateFromFile(path, pkg string) (CodeState, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return CodeState{}, fmt.Errorf("experiments: %s: %v: %w", EnvCodeStates, err, ErrCache)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var ps PackageState
		if err := json.Unmarshal([]byte(line), &ps); err != nil {
			return CodeState{}, fmt.Errorf("experiments: %s %s line %d: %v: %w", EnvCodeStates, path, i+1, err, ErrCache)
		}
		if ps.Package == pkg && ps.Fingerprint != "" {
			return ps.CodeState, nil
		}
	}
	return CodeState{}, fmt.Errorf("experiments: %s %s holds no code state of %s: %w", EnvCodeStates, path, pkg, ErrCache)
}

// Short returns the first 12 characters of the fingerprint.
func (c CodeState) Short() string {
	if len(c.Fingerprint) > 12 {
		return c.Fingerprint[:12]
	}
	return c.Fingerprint
}

// Fingerprint returns the CodeState of the package pkg (an import path or a ./relative
// pattern, resolved in dir): the SHA-256 over go.mod, go.sum and every non-test source file
// (Go, assembly, cgo, and files of other builds) of every package of the main module that pkg
// imports, directly or not, pkg included, except the packages in exclude (import paths: e.g.
// the table and plot code of package experiments, which computes no cell's value). It needs
// the go command (go list); EnvFingerprint overrides it for a binary run without sources.
func Fingerprint(dir, pkg string, exclude ...string) (CodeState, error) {
	if fp := os.Getenv(EnvFingerprint); fp != "" {
		commit := os.Getenv(EnvCommit)
		if commit == "" {
			commit = "unknown"
		}
		return CodeState{Fingerprint: fp, Commit: commit}, nil
	}
	if f := os.Getenv(EnvCodeStates); f != "" {
		return stateFromFile(f, pkg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f",
		`{{if .Module}}{{if .Module.Main}}{{.ImportPath}}|{{.Module.Dir}}|{{.Dir}}|{{join .GoFiles ","}},{{join .CgoFiles ","}},{{join .SFiles ","}},{{join .IgnoredGoFiles ","}}{{end}}{{end}}`, pkg)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
		return CodeState{}, fmt.Errorf("experiments: fingerprinting the code of %s (go list in %s): %s; without the Go toolchain set %s (and %s): %w", pkg, dir, msg, EnvFingerprint, EnvCommit, ErrCache)
	}
	skip := map[string]bool{}
	for _, e := range exclude {
		skip[e] = true
	}
	var modDir string
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, "|", 4)
		if len(f) != 4 {
			continue
		}
		modDir = f[1]
		if skip[f[0]] {
			continue
		}
		for _, name := range strings.Split(f[3], ",") {
			if name != "" && !strings.HasSuffix(name, "_test.go") {
				files = append(files, filepath.Join(f[2], name))
			}
		}
	}
	if modDir == "" || len(files) == 0 {
		return CodeState{}, fmt.Errorf("experiments: fingerprinting %s: no source files of the main module found: %w", pkg, ErrCache)
	}
	files = append(files, filepath.Join(modDir, "go.mod"), filepath.Join(modDir, "go.sum"))
	rel := make([]string, len(files))
	for i, f := range files {
		r, err := filepath.Rel(modDir, f)
		if err != nil {
			return CodeState{}, fmt.Errorf("experiments: fingerprinting %s: %v: %w", pkg, err, ErrCache)
		}
		rel[i] = filepath.ToSlash(r)
	}
	sort.Strings(rel)
	h := sha256.New()
	for _, r := range rel {
		b, err := os.ReadFile(filepath.Join(modDir, filepath.FromSlash(r)))
		if os.IsNotExist(err) && r == "go.sum" {
			continue // a module without dependencies has none
		}
		if err != nil {
			return CodeState{}, fmt.Errorf("experiments: fingerprinting %s: %v: %w", pkg, err, ErrCache)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", r, len(b))
		h.Write(b)
	}
	cs := CodeState{Fingerprint: hex.EncodeToString(h.Sum(nil))}
	cs.Commit, cs.Dirty = commitOf(modDir, rel)
	return cs, nil
}

// commitOf returns the revision of the work tree at modDir and the files among rel (relative
// to modDir) that differ from it, with "+dirty" added to the revision when there are any
// ("unknown" outside a git work tree).
func commitOf(modDir string, rel []string) (string, []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	git := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"--no-optional-locks", "-C", modDir}, args...)...)
		out, err := cmd.Output()
		return strings.TrimRight(string(out), "\n"), err
	}
	rev, err := git("rev-parse", "HEAD")
	if err != nil || rev == "" {
		return "unknown", nil
	}
	status, err := git(append([]string{"status", "--porcelain", "--untracked-files=all", "--"}, rel...)...)
	if err != nil {
		return rev + "+unknown-status", nil
	}
	var dirty []string
	for _, line := range strings.Split(status, "\n") {
		if len(line) > 3 {
			dirty = append(dirty, strings.TrimSpace(line[3:]))
		}
	}
	if len(dirty) > 0 {
		return rev + "+dirty", dirty
	}
	return rev, nil
}
