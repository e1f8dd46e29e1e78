package experiments

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// Commit returns the commit of the git work tree that holds dir (git rev-parse HEAD), with
// "+dirty" appended when the tree has uncommitted changes (tracked or untracked files), or
// "unknown" when dir is not in a git work tree or git is not installed. It only reads: the
// status query passes --no-optional-locks, so it never rewrites the index under other users
// of the tree.
func Commit(dir string) string {
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
	status, err := git("status", "--porcelain")
	if err != nil {
		return rev + "+unknown-status"
	}
	if status != "" {
		return rev + "+dirty"
	}
	return rev
}
