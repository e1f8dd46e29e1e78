package experiments

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Commit returns the commit of the git work tree that holds dir (git rev-parse HEAD), with
// "+dirty" appended when the tree has uncommitted changes (tracked or untracked files), or
// "unknown" when dir is not in a git work tree or git is not installed. Changes under the
// paths in results (an experiment's own output folder) do not count: writing results must not
// make the next run's commit read as dirty. It only reads: the status query passes
// --no-optional-locks, so it never rewrites the index under other users of the tree.
func Commit(dir string, results ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	git := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"--no-optional-locks"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	rev, err := git("rev-parse", "HEAD")
	if err != nil || rev == "" {
		return "unknown"
	}
	top, err := git("rev-parse", "--show-toplevel")
	if err != nil {
		return rev + "+unknown-status"
	}
	args := []string{"-C", top, "status", "--porcelain", "--", "."}
	for _, r := range results {
		if rel, ok := within(top, dir, r); ok {
			args = append(args, ":(exclude)"+filepath.ToSlash(rel))
		}
	}
	status, err := git(args...)
	if err != nil {
		return rev + "+unknown-status"
	}
	if status != "" {
		return rev + "+dirty"
	}
	return rev
}

// within returns path p (relative to dir, or absolute) relative to the work tree top, and
// whether it lies inside the tree (and is not the whole tree).
func within(top, dir, p string) (string, bool) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}
