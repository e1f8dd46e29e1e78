package transcriptomics

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/experiments/exptest"
)

// Environment of a child process of the shard tests: the output folder, the shard ("I/N" or
// ""), and a cell pattern for --only ("" for all).
const (
	childOut   = "NCGN_TEST_SHARD_OUT"
	childShard = "NCGN_TEST_SHARD"
	childOnly  = "NCGN_TEST_SHARD_ONLY"
)

// TestShardChild is the body of a child process (it does nothing in a normal test run): one
// smoke run into the folder, shard and cells its environment names, logging to stdout.
func TestShardChild(t *testing.T) {
	out := os.Getenv(childOut)
	if out == "" {
		t.Skip("only run as a child of the shard tests")
	}
	sh, err := experiments.ParseShard(os.Getenv(childShard), os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	env := experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Commit: "test", Shard: sh, Log: os.Stdout,
		Code: experiments.CodeState{Fingerprint: "fp-shard-test", Commit: "abc"}}
	if o := os.Getenv(childOnly); o != "" {
		env.Only = []string{o}
	}
	experiments.LockPoll = 20e6 // 20 ms
	if err := Run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
}

// child starts a child process running one smoke run; the scanner reads its log lines.
func child(t *testing.T, out, shard, only string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestShardChild$", "-test.v")
	cmd.Env = append(os.Environ(), childOut+"="+out, childShard+"="+shard, childOnly+"="+only)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(stdout)
}

// drain copies a child's lines into log until it ends.
func drain(sc *bufio.Scanner, log *strings.Builder, mu *sync.Mutex) {
	for sc.Scan() {
		mu.Lock()
		log.WriteString(sc.Text() + "\n")
		mu.Unlock()
	}
}

// report runs --report on out in-process and returns its error.
func report(out string) error {
	return Run(context.Background(), experiments.Env{Scale: experiments.Smoke, OutDir: out, Seed: 1, Commit: "test", Report: true,
		Code: experiments.CodeState{Fingerprint: "fp-shard-test", Commit: "abc"}})
}

// TestShards_EqualOneProcess runs the smoke preset as three shards in separate processes on one
// folder, checks that the report finds nothing missing and that Table 3 and Figure 11 equal,
// cell for cell, those of one process; that a report of an incomplete folder lists what is
// missing; and that a shard killed mid-run and started again completes its part.
func TestShards_EqualOneProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	one := filepath.Join(t.TempDir(), Name)
	var mu sync.Mutex
	var log strings.Builder
	cmd, sc := child(t, one, "", "")
	drain(sc, &log, &mu)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("one process: %v\n%s", err, log.String())
	}

	sharded := filepath.Join(t.TempDir(), Name)
	// Shard 1 first alone: the report then lists the other shards' cells.
	log.Reset()
	cmd, sc = child(t, sharded, "1/3", "")
	drain(sc, &log, &mu)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("shard 1/3: %v\n%s", err, log.String())
	}
	if err := report(sharded); !errors.Is(err, experiments.ErrIncomplete) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("report after one shard of three: %v, want ErrIncomplete", err)
	}
	// Shard 0 is killed after its first computed cell, then shards 0 and 2 run together.
	log.Reset()
	cmd, sc = child(t, sharded, "0/3", "")
	for sc.Scan() {
		if strings.Contains(sc.Text(), "[1/") {
			_ = cmd.Process.Kill()
			break
		}
	}
	_ = cmd.Wait()
	var wg sync.WaitGroup
	var cmds []*exec.Cmd
	for _, s := range []string{"0/3", "2/3"} {
		c, sc := child(t, sharded, s, "")
		cmds = append(cmds, c)
		wg.Add(1)
		go func() { defer wg.Done(); drain(sc, &log, &mu) }()
	}
	wg.Wait()
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard %d: %v\n%s", i, err, log.String())
		}
	}
	if err := report(sharded); err != nil {
		t.Fatalf("report after all shards: %v\n%s", err, log.String())
	}
	for _, name := range []string{"table3.json", "figure11.json"} {
		a, b := exptest.ReadTable(t, filepath.Join(one, name)), exptest.ReadTable(t, filepath.Join(sharded, name))
		if len(a.Cells) != len(b.Cells) {
			t.Fatalf("%s: %d cells from one process, %d from shards", name, len(a.Cells), len(b.Cells))
		}
		for _, c := range a.Cells {
			d := b.Cell(c.Row, c.Column)
			if d == nil || len(d.Values) != len(c.Values) {
				t.Fatalf("%s %s/%s: shards give %v, one process %v", name, c.Row, c.Column, d, c.Values)
			}
			for k, v := range c.Values {
				if d.Values[k] != v {
					t.Errorf("%s %s/%s %s: shards %v, one process %v", name, c.Row, c.Column, k, d.Values[k], v)
				}
			}
		}
	}
}

// TestShards_RaceOnOneCell starts two processes that both want the same cell: it is computed
// (and its network trained) once, the other process reuses it.
func TestShards_RaceOnOneCell(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	out := filepath.Join(t.TempDir(), Name)
	var mu sync.Mutex
	var log strings.Builder
	var wg sync.WaitGroup
	var cmds []*exec.Cmd
	for range 2 {
		c, sc := child(t, out, "", "table3/unconditional/knn-gcn")
		cmds = append(cmds, c)
		wg.Add(1)
		go func() { defer wg.Done(); drain(sc, &log, &mu) }()
	}
	wg.Wait()
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
	}
	l := log.String()
	if n := strings.Count(l, "models/knn-gcn-L3-S2: training ("); n != 1 {
		t.Errorf("the network was trained %d times, want 1:\n%s", n, l)
	}
	if n := strings.Count(l, "table3/unconditional/knn-gcn: W2"); n != 1 {
		t.Errorf("the cell was computed %d times, want 1:\n%s", n, l)
	}
}
