package main

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runScheduleOrGraph runs the ncgn application with args (after the program name) and returns
// its standard output, its error output and exit code. cli's own exit handling (which would
// end the test binary) is switched off; the code comes from the returned cli.ExitCoder.
func runScheduleOrGraph(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runCLI(args...)
}

func TestScheduleCommand_CSV(t *testing.T) {
	out, errOut, code := runScheduleOrGraph(t, "schedule", "--kind", "exp", "--nodes", "400", "--k", "7", "--steps", "5", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "t,supernodes,neighbours\n0,53,53\n0.25,54,53\n0.5,56,51\n0.75,82,35\n1,400,7\n"
	if out != want {
		t.Errorf("output\n%s\nwant\n%s", out, want)
	}
}

func TestScheduleCommand_Table(t *testing.T) {
	tests := []struct {
		name string
		args []string
		rows int
		last string // fields of the last row
	}{
		{"default", []string{"schedule"}, 11, "1 400 7 2800"},
		{"linear transcriptomics", []string{"schedule", "--kind", "linear", "--nodes", "100", "--k", "5", "--steps", "3"}, 3, "1 100 5 500"},
		{"log", []string{"schedule", "--kind", "log", "--steps", "2"}, 2, "1 400 7 2800"},
		{"relu", []string{"schedule", "--kind", "relu", "--split", "0.5", "--steps", "2"}, 2, "1 400 7 2800"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runScheduleOrGraph(t, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 3+tc.rows || !strings.Contains(lines[2], "supernodes") {
				t.Fatalf("output has %d lines, want %d:\n%s", len(lines), 3+tc.rows, out)
			}
			if got := strings.Join(strings.Fields(lines[len(lines)-1]), " "); got != tc.last {
				t.Errorf("last row %q, want %q", got, tc.last)
			}
		})
	}
}

func TestScheduleCommand_JSON(t *testing.T) {
	out, errOut, code := runScheduleOrGraph(t, "schedule", "--kind", "log", "--nodes", "100", "--k", "5", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Config struct {
			Kind      string  `json:"kind"`
			Nodes     int     `json:"nodes"`
			K         int     `json:"k"`
			Curvature float64 `json:"curvature"`
		} `json:"config"`
		Steps []struct {
			T                      float64
			Supernodes, Neighbours int
			Product                int
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	if got.Config.Kind != "log" || got.Config.Nodes != 100 || got.Config.K != 5 || got.Config.Curvature != 10 || len(got.Steps) != 11 {
		t.Fatalf("config %+v, %d steps", got.Config, len(got.Steps))
	}
	// golden values of the reference's log schedule at t = 0.1 and 1 (REFERENCE.md §2)
	if s := got.Steps[1]; s.T != 0.1 || s.Supernodes != 45 || s.Neighbours != 12 || s.Product != 540 {
		t.Errorf("t = 0.1: %+v, want 45 supernodes, 12 neighbours", s)
	}
	if s := got.Steps[10]; s.T != 1 || s.Supernodes != 100 || s.Neighbours != 5 {
		t.Errorf("t = 1: %+v", s)
	}
}

func TestScheduleCommand_Plot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "fig5.png")
	out, errOut, code := runScheduleOrGraph(t, "schedule", "--plot", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "wrote "+file) {
		t.Errorf("output does not name the plot:\n%s", out)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 300 {
		t.Errorf("image %v too small", b)
	}
}

func TestScheduleCommand_BadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the message
	}{
		{"unknown kind", []string{"--kind", "cosine"}, "cosine"},
		{"no nodes", []string{"--nodes", "0"}, "--nodes"},
		{"k 0", []string{"--k", "0"}, "--k"},
		{"negative k", []string{"--k", "-3"}, "--k"},
		{"one step", []string{"--steps", "1"}, "--steps"},
		{"format", []string{"--format", "xml"}, "--format"},
		{"split", []string{"--kind", "relu", "--split", "1.5"}, "split"},
		{"curvature", []string{"--kind", "exp", "--curvature", "-1"}, "curvature"},
		{"not a number", []string{"--nodes", "many"}, "nodes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runScheduleOrGraph(t, append([]string{"schedule"}, tc.args...)...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, error output %q; want exit 2 naming %q", code, errOut, tc.want)
			}
		})
	}
}
