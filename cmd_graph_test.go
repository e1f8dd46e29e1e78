package main

import (
	"encoding/binary"
	"encoding/json"
	"image/png"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/schedules"
)

// graphTestCloud writes a cloud of the given shape (uniform in [-1, 1)) as .npy and returns
// the path and the values.
func graphTestCloud(t *testing.T, name, dtype string, shape ...int) (string, []float64) {
	t.Helper()
	a := &datasets.Array{Shape: shape}
	rng := rand.New(rand.NewSource(int64(len(name))))
	a.Data = make([]float64, a.Size())
	for i := range a.Data {
		a.Data[i] = 2*rng.Float64() - 1
		if dtype == "float32" {
			a.Data[i] = float64(float32(a.Data[i]))
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := datasets.WriteNpy(path, a, dtype); err != nil {
		t.Fatal(err)
	}
	return path, a.Data
}

// graphJSON is the part of the graph command's JSON output the tests read.
type graphJSON struct {
	Points     int     `json:"points"`
	Dim        int     `json:"dim"`
	Supernodes int     `json:"supernodes"`
	Edges      int     `json:"edges"`
	Neighbours int     `json:"neighbours"`
	Scheduled  int     `json:"scheduled_supernodes"`
	Coarsened  bool    `json:"coarsened"`
	MeanEdge   float64 `json:"mean_edge_length"`
	T          float64 `json:"t"`
}

func runGraphJSON(t *testing.T, args ...string) graphJSON {
	t.Helper()
	out, errOut, code := runScheduleOrGraph(t, append(append([]string{"graph"}, args...), "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var g graphJSON
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	return g
}

// TestGraphCommand_MatchesPlan: the command reports what graphs.NewPlan builds.
func TestGraphCommand_MatchesPlan(t *testing.T) {
	path3, pos3 := graphTestCloud(t, "c3.npy", "float32", 300, 3)
	path2, pos2 := graphTestCloud(t, "c2.npy", "float64", 4, 120, 2)
	path1, pos1 := graphTestCloud(t, "c1.npy", "float64", 80, 1)
	tests := []struct {
		name   string
		args   []string
		pos    []float64
		n, dim int
		t      schedules.NoiseLevel
		cfg    graphs.PlanConfig
	}{
		{"dmp exp t=0.3", []string{"--points", path3, "--t", "0.3"}, pos3, 300, 3, 0.3, graphs.PlanConfig{Kind: graphs.DMP, K: 7}},
		{"dmp linear t=0.6 float root", []string{"--points", path3, "--t", "0.6", "--schedule", "linear", "--float-root"}, pos3, 300, 3, 0.6,
			graphs.PlanConfig{Kind: graphs.DMP, K: 7, Schedule: schedules.Linear, FloatRoot: true}},
		{"dmp t=1", []string{"--points", path3, "--t", "1", "--k", "5"}, pos3, 300, 3, 1, graphs.PlanConfig{Kind: graphs.DMP, K: 5}},
		{"knn", []string{"--points", path3, "--t", "0", "--gnn", "knn"}, pos3, 300, 3, 0, graphs.PlanConfig{Kind: graphs.KNN, K: 7}},
		{"long-short", []string{"--points", path3, "--t", "0.5", "--gnn", "long-short", "--k", "4"}, pos3, 300, 3, 0.5, graphs.PlanConfig{Kind: graphs.LongShort, K: 4}},
		{"full", []string{"--points", path3, "--t", "0.5", "--gnn", "full"}, pos3, 300, 3, 0.5, graphs.PlanConfig{Kind: graphs.Full, K: 7}},
		{"index 2 of (4,120,2)", []string{"--points", path2, "--index", "2", "--t", "0.8", "--schedule", "relu"}, pos2[2*240 : 3*240], 120, 2, 0.8,
			graphs.PlanConfig{Kind: graphs.DMP, K: 7, Schedule: schedules.ReLU}},
		{"1-D log", []string{"--points", path1, "--t", "0.2", "--schedule", "log", "--k", "3"}, pos1, 80, 1, 0.2,
			graphs.PlanConfig{Kind: graphs.DMP, K: 3, Schedule: schedules.Log}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runGraphJSON(t, tc.args...)
			p, err := graphs.NewPlan(tc.pos, tc.n, tc.dim, tc.t, tc.cfg, rand.New(rand.NewSource(0)))
			if err != nil {
				t.Fatal(err)
			}
			want := graphJSON{Points: tc.n, Dim: tc.dim, Supernodes: p.Supernodes, Edges: p.Edges.Len(), Neighbours: p.Neighbours,
				Scheduled: p.Scheduled, Coarsened: p.Coarsened, T: float64(tc.t)}
			got.MeanEdge = 0
			if got != want {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestGraphCommand_TextAndPlot(t *testing.T) {
	path, _ := graphTestCloud(t, "c.npy", "float32", 300, 3)
	for _, gnn := range []string{"dmp", "knn", "long-short", "full"} {
		t.Run(gnn, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), gnn+".png")
			out, errOut, code := runScheduleOrGraph(t, "graph", "--points", path, "--t", "0.7", "--gnn", gnn, "--plot", file)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range []string{"300 points", "supernodes", "coarse edges", "wrote " + file} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := png.Decode(f); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestGraphCommand_Noise: --noise is deterministic for a seed and changes the graph's scale.
func TestGraphCommand_Noise(t *testing.T) {
	path, _ := graphTestCloud(t, "c.npy", "float64", 200, 3)
	plain := runGraphJSON(t, "--points", path, "--t", "0.2", "--gnn", "knn")
	for _, process := range []string{"ddpm", "fm"} {
		a := runGraphJSON(t, "--points", path, "--t", "0.2", "--gnn", "knn", "--noise", "--process", process, "--seed", "3")
		b := runGraphJSON(t, "--points", path, "--t", "0.2", "--gnn", "knn", "--noise", "--process", process, "--seed", "3")
		c := runGraphJSON(t, "--points", path, "--t", "0.2", "--gnn", "knn", "--noise", "--process", process, "--seed", "4")
		if a != b || a.MeanEdge == c.MeanEdge || a.MeanEdge == plain.MeanEdge {
			t.Errorf("%s: mean edge lengths %v, %v (same seed), %v (other seed), %v (no noise)", process, a.MeanEdge, b.MeanEdge, c.MeanEdge, plain.MeanEdge)
		}
	}
}

// TestGraphCommand_ModelNet40 runs the command on a real ModelNet40 cloud.
func TestGraphCommand_ModelNet40(t *testing.T) {
	path := filepath.Join("..", "shared", "data", "modelnet40-1024", "ModelNet40", "airplane", "train", "airplane_0001.npy")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("real data not available (%v); see ../shared/data/README.md", err)
	}
	tests := []struct {
		t          string
		gnn        string
		supernodes int // at most
		neighbours int
	}{
		{"0", "dmp", 64, 85},     // s_0 = ceil(sqrt(7*1024)) = 85 -> 4 voxels per dimension
		{"0.3", "dmp", 64, 84},   // s_t = 86
		{"0.95", "dmp", 512, 11}, // s_t = 655 -> 8 voxels per dimension
		{"1", "dmp", 1024, 7},
		{"0.5", "knn", 1024, 7},
	}
	for _, tc := range tests {
		t.Run(tc.gnn+"/t="+tc.t, func(t *testing.T) {
			g := runGraphJSON(t, "--points", path, "--t", tc.t, "--gnn", tc.gnn)
			if g.Points != 1024 || g.Dim != 3 || g.Supernodes > tc.supernodes || g.Supernodes < 2 || g.Neighbours != tc.neighbours {
				t.Errorf("%+v: want 1024 points, at most %d supernodes, k_t = %d", g, tc.supernodes, tc.neighbours)
			}
			if want := g.Supernodes * min(g.Neighbours, g.Supernodes-1); g.Edges != want {
				t.Errorf("%d edges, want %d", g.Edges, want)
			}
		})
	}
}

func TestGraphCommand_BadInput(t *testing.T) {
	dir := t.TempDir()
	good, _ := graphTestCloud(t, "good.npy", "float32", 50, 3)
	wide, _ := graphTestCloud(t, "wide.npy", "float32", 50, 4)
	flat, _ := graphTestCloud(t, "flat.npy", "float64", 50)
	nan := filepath.Join(dir, "nan.npy")
	if err := datasets.WriteNpy(nan, &datasets.Array{Shape: []int{3, 2}, Data: []float64{0, 1, math.NaN(), 2, 3, 4}}, "float64"); err != nil {
		t.Fatal(err)
	}
	complexes := filepath.Join(dir, "complex.npy") // complex64: 8 bytes an element, not a dtype ncgn reads
	graphWriteRawNpy(t, complexes, "<c8", []int64{1, 2, 3, 4, 5, 6}, 3, 2)
	garbage := filepath.Join(dir, "garbage.npy")
	if err := os.WriteFile(garbage, []byte("not a numpy file"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // in the message
	}{
		{"missing file", []string{"--points", filepath.Join(dir, "none.npy"), "--t", "0.5"}, 1, "none.npy"},
		{"not npy", []string{"--points", garbage, "--t", "0.5"}, 1, "garbage.npy"},
		{"complex dtype", []string{"--points", complexes, "--t", "0.5"}, 1, "dtype"},
		{"4 columns", []string{"--points", wide, "--t", "0.5"}, 1, "1..3"},
		{"1-D array", []string{"--points", flat, "--t", "0.5"}, 1, "shape"},
		{"NaN", []string{"--points", nan, "--t", "0.5"}, 1, "NaN"},
		{"t above 1", []string{"--points", good, "--t", "1.5"}, 2, "--t"},
		{"t below 0", []string{"--points", good, "--t", "-0.1"}, 2, "--t"},
		{"t NaN", []string{"--points", good, "--t", "NaN"}, 2, "--t"},
		{"t missing", []string{"--points", good}, 2, "--t"},
		{"points missing", []string{"--t", "0.5"}, 2, "--points"},
		{"k 0", []string{"--points", good, "--t", "0.5", "--k", "0"}, 2, "--k"},
		{"unknown gnn", []string{"--points", good, "--t", "0.5", "--gnn", "radius"}, 2, "radius"},
		{"unknown schedule", []string{"--points", good, "--t", "0.5", "--schedule", "cosine"}, 2, "cosine"},
		{"index of one cloud", []string{"--points", good, "--t", "0.5", "--index", "1"}, 2, "--index"},
		{"negative index", []string{"--points", good, "--t", "0.5", "--index", "-1"}, 2, "--index"},
		{"format", []string{"--points", good, "--t", "0.5", "--format", "yaml"}, 2, "--format"},
		{"process", []string{"--points", good, "--t", "0.5", "--noise", "--process", "sde"}, 2, "--process"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runScheduleOrGraph(t, append([]string{"graph"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, error output %q; want exit %d naming %q", code, errOut, tc.code, tc.want)
			}
		})
	}
	path3, _ := graphTestCloud(t, "three.npy", "float32", 3, 40, 2)
	if _, errOut, code := runScheduleOrGraph(t, "graph", "--points", path3, "--t", "0.5", "--index", "3"); code != 2 || !strings.Contains(errOut, "3 clouds") {
		t.Errorf("index past the clouds: exit %d, %q", code, errOut)
	}
}

// graphWriteRawNpy writes a .npy file of dtype descr holding the 8-byte little-endian words v.
func graphWriteRawNpy(t *testing.T, path, descr string, v []int64, rows, cols int) {
	t.Helper()
	header := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + strconv.Itoa(rows) + ", " + strconv.Itoa(cols) + "), }"
	pad := (64 - (10+len(header)+1)%64) % 64
	header += strings.Repeat(" ", pad) + "\n"
	buf := []byte("\x93NUMPY\x01\x00")
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
	buf = append(buf, header...)
	for _, x := range v {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(x))
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
