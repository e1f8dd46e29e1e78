package geometricshapes

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/datasets/modelnet40"
)

// sampleTol bounds rounding in recomputed coordinates.
const sampleTol = 1e-12

func smallShapes(t *testing.T) []Shape {
	t.Helper()
	shapes, err := DecodeZip(smallArchive(t), "small.zip", true)
	if err != nil {
		t.Fatal(err)
	}
	return shapes
}

func TestSample_Surface(t *testing.T) {
	shapes := smallShapes(t)
	s, err := Sample(shapes, Config{Split: Train, Points: 64, PerClass: 3, Raw: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Clouds) != 6 || s.Counts.Shapes != 3 || s.Counts.Kept != 6 || s.Counts.Degenerate != 1 || !reflect.DeepEqual(s.Counts.Skipped, []string{"line"}) {
		t.Fatalf("%d clouds, counts %+v", len(s.Clouds), s.Counts)
	}
	if strings.Join(s.Labels, " ") != "2d_triangle 2d_triangle 2d_triangle 3d_cube 3d_cube 3d_cube" || s.Entries[3] != "raw/3d_cube/train/3d_cube.off" {
		t.Errorf("labels %v, entries %v", s.Labels, s.Entries)
	}
	for p := 0; p < 64; p++ {
		x, y, z := s.Clouds[0][3*p], s.Clouds[0][3*p+1], s.Clouds[0][3*p+2]
		// inside the triangle (-1,-1), (1,-1), (0,0.5) in the plane z = 0
		if z != 0 || y < -1-sampleTol || y > 0.5+sampleTol || math.Abs(x) > (0.5-y)/1.5+sampleTol {
			t.Fatalf("triangle point (%v, %v, %v) off the triangle", x, y, z)
		}
		c := s.Clouds[4][3*p : 3*p+3]
		onFace := false
		for _, v := range c {
			if v < -sampleTol || v > 1+sampleTol {
				t.Fatalf("cube point %v outside the cube", c)
			}
			onFace = onFace || math.Abs(v) < sampleTol || math.Abs(v-1) < sampleTol
		}
		if !onFace {
			t.Fatalf("cube point %v not on a face", c)
		}
	}
	if reflect.DeepEqual(s.Clouds[0], s.Clouds[1]) {
		t.Error("two clouds of one shape are equal")
	}
}

func TestSample_VerticesAndNormalisation(t *testing.T) {
	shapes := smallShapes(t)
	s, err := Sample(shapes, Config{Split: Test, Points: 8, Source: modelnet40.Vertices, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The triangle has 3 vertices and the line 3: skipped; the cube's 8 vertices, permuted.
	if len(s.Clouds) != 1 || s.Counts.TooFewPoints != 2 || s.Labels[0] != "3d_cube" {
		t.Fatalf("%d clouds, counts %+v", len(s.Clouds), s.Counts)
	}
	for i, v := range s.Clouds[0] { // the unit cube centred and scaled: every coordinate ±Scale
		if math.Abs(math.Abs(v)-modelnet40.ReferenceScale) > sampleTol {
			t.Fatalf("coordinate %d is %v, want ±%v", i, v, modelnet40.ReferenceScale)
		}
	}
	h, _ := Sample(shapes, Config{Split: Test, Points: 30, Scale: 0.5, Seed: 2, Classes: []string{"3d_cube"}})
	m := 0.0
	var mean [3]float64
	for i, v := range h.Clouds[0] {
		m = math.Max(m, math.Abs(v))
		mean[i%3] += v / 30
	}
	if m != 0.5 || math.Abs(mean[0])+math.Abs(mean[1])+math.Abs(mean[2]) > sampleTol {
		t.Errorf("scale 0.5: max |x| %v, mean %v", m, mean)
	}
}

func TestSample_Deterministic(t *testing.T) {
	shapes := smallShapes(t)
	cfg := Config{Split: Train, Points: 20, PerClass: 2, Seed: 5}
	a, _ := Sample(shapes, cfg)
	b, _ := Sample(shapes, cfg)
	if !reflect.DeepEqual(a.Clouds, b.Clouds) {
		t.Error("same seed, different clouds")
	}
	cfg.Seed = 6
	if c, _ := Sample(shapes, cfg); reflect.DeepEqual(a.Clouds, c.Clouds) {
		t.Error("different seeds, same clouds")
	}
	cfg.Seed, cfg.Split = 5, Test
	if c, _ := Sample(shapes, cfg); reflect.DeepEqual(a.Clouds, c.Clouds) {
		t.Error("train and test clouds are equal")
	}
	cfg.Split, cfg.Classes = Train, []string{"3d_cube"}
	if c, _ := Sample(shapes, cfg); !reflect.DeepEqual(c.Clouds, a.Clouds[2:]) {
		t.Error("the class filter changed the cube's clouds")
	}
}

func TestSample_Errors(t *testing.T) {
	shapes := smallShapes(t)
	cases := []struct {
		name string
		cfg  Config
		want error
		msg  string
	}{
		{"split", Config{Split: "val"}, ErrConfig, `split "val"`},
		{"points", Config{Split: Train, Points: -1}, ErrConfig, "points -1"},
		{"source", Config{Split: Train, Source: "faces"}, ErrConfig, `source "faces"`},
		{"per class", Config{Split: Train, PerClass: -2}, ErrConfig, "clouds per class -2"},
		{"scale", Config{Split: Train, Scale: math.Inf(1)}, ErrConfig, "scale +Inf"},
		{"unknown class", Config{Split: Train, Classes: []string{"3d_zebra"}}, ErrNotFound, `class "3d_zebra" is not in the archive (classes: 2d_triangle, 3d_cube, line)`},
		{"nothing left", Config{Split: Train, Points: 100, Source: modelnet40.Vertices}, ErrNotFound, "3 shapes, 3 with fewer than 100 vertices, 0 degenerate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Sample(shapes, tc.cfg)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
}
