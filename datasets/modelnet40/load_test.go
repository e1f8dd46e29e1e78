package modelnet40

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

// loadTol bounds rounding in coordinates recomputed from a loaded cloud.
const loadTol = 1e-12

func mustLoad(t *testing.T, root string, cfg Config) *Set {
	t.Helper()
	s, err := Load(context.Background(), root, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoad_Npy(t *testing.T) {
	root := t.TempDir()
	npyTree(t, root, []string{"bowl", "airplane", "chair"}, 4, 12, 5, 20) // objects of 12, 5, 20, 12 points
	s := mustLoad(t, root, Config{Split: Test, Points: 10, Seed: 1})
	// object 2 of each class has 5 points: skipped.
	if got := len(s.Clouds); got != 9 {
		t.Fatalf("%d clouds, want 9", got)
	}
	c := s.Counts
	if c.Listed != 12 || c.Considered != 12 || c.Kept != 9 || c.TooFewPoints != 3 || c.BelowMinPoints != 0 || c.Degenerate != 0 {
		t.Errorf("counts %+v", c)
	}
	if !reflect.DeepEqual(c.PerClass, map[string]int{"airplane": 3, "bowl": 3, "chair": 3}) {
		t.Errorf("per class %v", c.PerClass)
	}
	if s.Layout != LayoutNpy || s.Source != Stored || s.Config.Scale != ReferenceScale || s.Root != root {
		t.Errorf("set %s %s scale %v root %s", s.Layout, s.Source, s.Config.Scale, s.Root)
	}
	wantLabels := []string{"airplane", "airplane", "airplane", "bowl", "bowl", "bowl", "chair", "chair", "chair"}
	if !reflect.DeepEqual(s.Labels, wantLabels) {
		t.Errorf("labels %v", s.Labels)
	}
	if filepath.Base(s.Files[1]) != "airplane_0003.npy" || filepath.Base(s.Files[8]) != "chair_0004.npy" {
		t.Errorf("files %v", s.Files)
	}
	for i, cl := range s.Clouds {
		checkNormalised(t, fmt.Sprint("cloud ", i), cl, 10, ReferenceScale)
	}
	a := s.Array()
	if !reflect.DeepEqual(a.Shape, []int{9, 10, 3}) || len(a.Data) != 270 || a.Data[30] != s.Clouds[1][0] {
		t.Errorf("array shape %v, %d values", a.Shape, len(a.Data))
	}
}

// checkNormalised checks that a cloud has n points, mean zero and largest |coordinate| scale.
func checkNormalised(t *testing.T, name string, cl []float64, n int, scale float64) {
	t.Helper()
	if len(cl) != 3*n {
		t.Fatalf("%s: %d values, want %d", name, len(cl), 3*n)
	}
	var mean [3]float64
	maxAbs := 0.0
	for i, v := range cl {
		mean[i%3] += v / float64(n)
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	if maxAbs != scale {
		t.Errorf("%s: largest |coordinate| %v, want %v", name, maxAbs, scale)
	}
	for d, m := range mean {
		if math.Abs(m) > loadTol {
			t.Errorf("%s: mean of coordinate %d is %v", name, d, m)
		}
	}
}

func TestLoad_Deterministic(t *testing.T) {
	root := t.TempDir()
	npyTree(t, root, []string{"a", "b", "c"}, 7, 30, 8, 25)
	cfg := Config{Split: Train, Points: 10, Seed: 42}
	ref := mustLoad(t, root, Config{Split: Train, Points: 10, Seed: 42, Workers: 1})
	for _, w := range []int{2, 3, 16} {
		cfg.Workers = w
		if s := mustLoad(t, root, cfg); !reflect.DeepEqual(s.Clouds, ref.Clouds) || !reflect.DeepEqual(s.Counts, ref.Counts) {
			t.Errorf("workers %d: clouds differ from one worker", w)
		}
	}
	t.Run("GOMAXPROCS", func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		if s := mustLoad(t, root, Config{Split: Train, Points: 10, Seed: 42}); !reflect.DeepEqual(s.Clouds, ref.Clouds) {
			t.Error("GOMAXPROCS 1: clouds differ")
		}
		runtime.GOMAXPROCS(5)
		if s := mustLoad(t, root, Config{Split: Train, Points: 10, Seed: 42}); !reflect.DeepEqual(s.Clouds, ref.Clouds) {
			t.Error("GOMAXPROCS 5: clouds differ")
		}
	})
	t.Run("other seed", func(t *testing.T) {
		s := mustLoad(t, root, Config{Split: Train, Points: 10, Seed: 43})
		if reflect.DeepEqual(s.Clouds, ref.Clouds) {
			t.Error("seeds 42 and 43 give the same clouds")
		}
		if !reflect.DeepEqual(s.Labels, ref.Labels) {
			t.Error("the seed changed which objects are kept")
		}
	})
	t.Run("filters do not change an object's cloud", func(t *testing.T) {
		s := mustLoad(t, root, Config{Split: Train, Points: 10, Seed: 42, Classes: []string{"b"}, Limit: 2})
		for i, f := range s.Files {
			j := indexOf(ref.Files, f)
			if j < 0 || !reflect.DeepEqual(s.Clouds[i], ref.Clouds[j]) {
				t.Errorf("%s: cloud differs from the unfiltered load", f)
			}
		}
	})
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func TestLoad_Filters(t *testing.T) {
	root := t.TempDir()
	npyTree(t, root, []string{"a", "b", "c"}, 6, 30, 8, 25) // per class: 30, 8, 25, 30, 8, 25 points
	cases := []struct {
		name   string
		cfg    Config
		labels string
		counts Counts // PerClass not compared
	}{
		{"all", Config{}, "a a a a b b b b c c c c", Counts{Listed: 18, Considered: 18, Kept: 12, TooFewPoints: 6}},
		{"classes", Config{Classes: []string{"c", "a"}}, "a a a a c c c c", Counts{Listed: 12, Considered: 12, Kept: 8, TooFewPoints: 4}},
		{"limit", Config{Limit: 5}, "a a a a b", Counts{Listed: 18, Considered: 7, Kept: 5, TooFewPoints: 2}},
		{"limit past the end", Config{Limit: 100}, "a a a a b b b b c c c c", Counts{Listed: 18, Considered: 18, Kept: 12, TooFewPoints: 6}},
		{"per class", Config{PerClass: 1}, "a b c", Counts{Listed: 18, Considered: 3, Kept: 3}},
		{"per class and limit", Config{PerClass: 3, Limit: 4}, "a a a b", Counts{Listed: 18, Considered: 5, Kept: 4, TooFewPoints: 1}},
		{"min points", Config{MinPoints: 26}, "a a b b c c", Counts{Listed: 18, Considered: 18, Kept: 6, BelowMinPoints: 12}},
		{"min points below points", Config{MinPoints: 5}, "a a a a b b b b c c c c", Counts{Listed: 18, Considered: 18, Kept: 12, TooFewPoints: 6}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Split, cfg.Points, cfg.Seed = Test, 10, 3
			s := mustLoad(t, root, cfg)
			if got := strings.Join(s.Labels, " "); got != tc.labels {
				t.Errorf("labels %q, want %q", got, tc.labels)
			}
			c := s.Counts
			c.PerClass = nil
			if !reflect.DeepEqual(c, tc.counts) {
				t.Errorf("counts %+v, want %+v", c, tc.counts)
			}
			sum := 0
			for _, n := range s.Counts.PerClass {
				sum += n
			}
			if sum != s.Counts.Kept || len(s.Clouds) != s.Counts.Kept || len(s.Files) != s.Counts.Kept {
				t.Errorf("per class %v, %d clouds, %d files for %d kept", s.Counts.PerClass, len(s.Clouds), len(s.Files), s.Counts.Kept)
			}
		})
	}
}

func TestLoad_RawAndScale(t *testing.T) {
	root := t.TempDir()
	npyTree(t, root, []string{"a"}, 2, 16)
	raw := mustLoad(t, root, Config{Split: Test, Points: 16, Raw: true, Seed: 9})
	src, err := datasets.ReadNpy(raw.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	// Raw, all points: a permutation of the file's points.
	seen := map[[3]float64]int{}
	for p := 0; p < 16; p++ {
		seen[[3]float64(src.Data[3*p:3*p+3])]++
		seen[[3]float64(raw.Clouds[0][3*p:3*p+3])]--
	}
	for k, v := range seen {
		if v != 0 {
			t.Fatalf("raw cloud is not a permutation of the file's points (%v: %d)", k, v)
		}
	}
	half := mustLoad(t, root, Config{Split: Test, Points: 16, Scale: 0.5, Seed: 9})
	checkNormalised(t, "scale 0.5", half.Clouds[1], 16, 0.5)
}

func TestLoad_OFF(t *testing.T) {
	root := t.TempDir()
	offTree(t, root, []string{"cup", "bowl"}, 3, 8, 16) // prisms of 6, 16 and 32 vertices
	t.Run("vertices", func(t *testing.T) {
		s := mustLoad(t, root, Config{Split: Train, Points: 12, Raw: true, Seed: 5})
		if len(s.Clouds) != 4 || s.Counts.TooFewPoints != 2 || s.Source != Vertices || s.Layout != LayoutOFF {
			t.Fatalf("%d clouds, counts %+v, source %s", len(s.Clouds), s.Counts, s.Source)
		}
		m, err := datasets.ReadOFF(s.Files[0])
		if err != nil {
			t.Fatal(err)
		}
		verts := map[[3]float64]bool{}
		for p := 0; p < m.NumVertices(); p++ {
			verts[[3]float64(m.Vertices[3*p:3*p+3])] = true
		}
		drawn := map[[3]float64]bool{}
		for p := 0; p < 12; p++ {
			v := [3]float64(s.Clouds[0][3*p : 3*p+3])
			if !verts[v] || drawn[v] {
				t.Fatalf("point %v is not a fresh mesh vertex", v)
			}
			drawn[v] = true
		}
	})
	t.Run("surface", func(t *testing.T) {
		s := mustLoad(t, root, Config{Split: Test, Points: 50, Source: Surface, Raw: true, Seed: 5})
		if len(s.Clouds) != 6 || s.Source != Surface {
			t.Fatalf("%d clouds (every mesh can be sampled), source %s", len(s.Clouds), s.Source)
		}
		for i, cl := range s.Clouds {
			h := 1 + float64(i%3)                                        // the prism's height (ringOFF(m, 1+j))
			apothem := math.Cos(math.Pi / float64([]int{3, 8, 16}[i%3])) // distance of a side from the axis
			for p := 0; p < 50; p++ {
				x, y, z := cl[3*p], cl[3*p+1], cl[3*p+2]
				onCap := math.Abs(z) < loadTol || math.Abs(z-h) < loadTol
				inside := x*x+y*y <= 1+loadTol && z > -loadTol && z < h+loadTol
				if !inside || (!onCap && x*x+y*y < apothem*apothem-loadTol) {
					t.Fatalf("%s: point (%v, %v, %v) is not on the prism", s.Files[i], x, y, z)
				}
			}
		}
		n := mustLoad(t, root, Config{Split: Test, Points: 50, Source: Surface, Seed: 5})
		checkNormalised(t, "surface", n.Clouds[2], 50, ReferenceScale)
	})
	t.Run("min points on vertices with surface samples", func(t *testing.T) {
		s := mustLoad(t, root, Config{Split: Test, Points: 50, Source: Surface, MinPoints: 16, Seed: 5})
		if len(s.Clouds) != 4 || s.Counts.BelowMinPoints != 2 {
			t.Errorf("%d clouds, counts %+v", len(s.Clouds), s.Counts)
		}
	})
}

func TestLoad_Errors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	npyTree(t, good, []string{"a", "b"}, 2, 10)
	badNpy := filepath.Join(dir, "badnpy")
	npyTree(t, badNpy, []string{"a"}, 3, 10)
	mustWrite(t, filepath.Join(badNpy, "a", "test", "a_0002.npy"), "not numpy")
	badShape := filepath.Join(dir, "badshape")
	npyTree(t, badShape, []string{"a"}, 1, 10)
	if err := datasets.WriteNpy(filepath.Join(badShape, "a", "test", "a_0001.npy"), &datasets.Array{Shape: []int{4, 2}, Data: make([]float64, 8)}, "float32"); err != nil {
		t.Fatal(err)
	}
	badOFF := filepath.Join(dir, "badoff")
	offTree(t, badOFF, []string{"a"}, 8)
	mustWrite(t, filepath.Join(badOFF, "a", "test", "a_0001.off"), "OFF\n3 1 0\n0 0 0\n1 0 0\n")
	flat := filepath.Join(dir, "flat") // all points equal: skipped as degenerate
	os.MkdirAll(filepath.Join(flat, "a", "test"), 0o755)
	if err := datasets.WriteNpy(filepath.Join(flat, "a", "test", "a_0001.npy"), &datasets.Array{Shape: []int{10, 3}, Data: make([]float64, 30)}, "float32"); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		root string
		cfg  Config
		want error
		msg  string
	}{
		{"missing root", filepath.Join(dir, "nope"), Config{Split: Test}, ErrNotFound, "does not exist"},
		{"unknown class", good, Config{Split: Test, Classes: []string{"zebra"}}, ErrNotFound, `class "zebra" has no test folder under ` + good + " (classes: a, b)"},
		{"bad config", good, Config{Split: Test, Points: -3}, ErrConfig, "points -3"},
		{"nothing passes", good, Config{Split: Test, Points: 11}, ErrNotFound, "no object passed the filters (4 listed, 0 below 0 points, 4 with fewer than 11 points"},
		{"malformed npy", badNpy, Config{Split: Test, Points: 5}, datasets.ErrFormat, "a_0002.npy"},
		{"npy of 2-D points", badShape, Config{Split: Test, Points: 2}, datasets.ErrFormat, "a_0001.npy: shape [4 2]"},
		{"truncated OFF", badOFF, Config{Split: Test, Points: 5}, datasets.ErrFormat, "a_0001.off: ends after 2 of 3 vertices"},
		{"only degenerate clouds", flat, Config{Split: Test, Points: 5}, ErrNotFound, "1 degenerate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), tc.root, tc.cfg, nil)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v\nwant %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
	t.Run("a malformed file past the limit is not read", func(t *testing.T) {
		if _, err := Load(context.Background(), badNpy, Config{Split: Test, Points: 5, Limit: 1}, nil); err != nil {
			t.Error(err)
		}
	})
}

func TestLoad_ProgressAndCancel(t *testing.T) {
	root := t.TempDir()
	npyTree(t, root, []string{"a", "b"}, 5, 12)
	var calls, last, lastExp int
	_, err := Load(context.Background(), root, Config{Split: Test, Points: 10}, func(read, expected int) {
		calls++
		if read != last+1 || expected < read {
			t.Errorf("progress (%d, %d) after %d", read, expected, last)
		}
		last, lastExp = read, expected
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 10 || lastExp != 10 {
		t.Errorf("%d progress calls, last expected %d; want 10, 10", calls, lastExp)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, root, Config{Split: Test, Points: 10}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled load: error %v", err)
	}
}
