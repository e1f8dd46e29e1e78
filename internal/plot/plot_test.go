package plot

import (
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/schedules"
)

// decodePNG checks that path holds a PNG image of at least w x h pixels.
func decodePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() < w || b.Dy() < h {
		t.Fatalf("%s: %v, want at least %d x %d", path, b, w, h)
	}
}

func TestSchedules_WritesPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fig5.png")
	if err := Schedules(path, schedules.Config{Nodes: 400, K: 7, Curvature: schedules.DefaultCurvature, Split: schedules.DefaultSplit}); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, path, 400, 400)
	if err := Schedules(filepath.Join(t.TempDir(), "bad.png"), schedules.Config{Nodes: 0, K: 7}); err == nil {
		t.Error("0 nodes drawn")
	}
}

func TestPlan_WritesPNG(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	pos := make([]float64, 300*3)
	for i := range pos {
		pos[i] = rng.Float64()
	}
	cfg := graphs.PlanConfig{Kind: graphs.DMP, K: 5}
	p, err := graphs.NewPlan(pos, 300, 3, schedules.NoiseLevel(0.2), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plan.png")
	if err := Plan(path, p, graphs.NewReport(p, cfg).Title()); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, path, 400, 400)
}
