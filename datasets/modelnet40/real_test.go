package modelnet40

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// requireShared skips the test when the shared data is absent.
func requireShared(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(sharedRoot); err != nil {
		t.Skipf("shared ModelNet40 point clouds absent (%v); see ../shared/data/README.md", err)
	}
}

func TestLoad_SharedModelNet40(t *testing.T) {
	requireShared(t)
	l, err := List(sharedRoot, Test)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Classes) != 40 || len(l.Objects) != 2468 || l.Layout != LayoutNpy {
		t.Errorf("test split: %d classes, %d objects, layout %s; want 40, 2468 (the official split), npy", len(l.Classes), len(l.Objects), l.Layout)
	}
	cfg := Config{Split: Test, Classes: []string{"bowl", "cup"}, PerClass: 6, Seed: 7}
	s, err := Load(context.Background(), sharedRoot, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Clouds) != 12 || s.Counts.PerClass["bowl"] != 6 || s.Counts.PerClass["cup"] != 6 || s.Source != Stored {
		t.Fatalf("%d clouds, counts %+v, source %s", len(s.Clouds), s.Counts, s.Source)
	}
	a := s.Array()
	if a.Shape[0] != 12 || a.Shape[1] != 400 || a.Shape[2] != 3 {
		t.Errorf("array shape %v, want [12 400 3]", a.Shape)
	}
	for i, cl := range s.Clouds {
		checkNormalised(t, filepath.Base(s.Files[i]), cl, 400, ReferenceScale)
		if !strings.HasPrefix(filepath.Base(s.Files[i]), s.Labels[i]+"_") {
			t.Errorf("file %s labelled %s", s.Files[i], s.Labels[i])
		}
	}
	// The folder holds 1024 points per object: a Points above it skips everything.
	if _, err := Load(context.Background(), sharedRoot, Config{Split: Test, Classes: []string{"cup"}, Points: 1025}, nil); err == nil {
		t.Error("1025 of 1024 points: no error")
	}
	// Raw clouds keep the folder's unit-sphere normalisation.
	raw, err := Load(context.Background(), sharedRoot, Config{Split: Test, Classes: []string{"cup"}, Limit: 3, Raw: true, Points: 1024}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range raw.Clouds {
		for p := 0; p < 1024; p++ {
			if r := math.Sqrt(cl[3*p]*cl[3*p] + cl[3*p+1]*cl[3*p+1] + cl[3*p+2]*cl[3*p+2]); r > 1+1e-6 {
				t.Fatalf("raw point at radius %v, outside the unit sphere", r)
			}
		}
	}
}
