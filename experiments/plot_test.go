package experiments

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
)

func TestLinePlot_WritePNG(t *testing.T) {
	lp := LinePlot{
		Title: "W2 vs layers", Caption: "preset smoke", XLabel: "layers", YLabel: "W2", Log2X: true,
		Series: []Series{
			{Name: "DMP", X: []float64{2, 4, 8}, Y: []float64{0.8, 0.9, 1.2}},
			{Name: "kNN", X: []float64{2, 4, 8}, Y: []float64{2.0, math.NaN(), 1.1}},
		},
		Lines: []HLine{{Name: "random", Y: 2.45}},
	}
	p := filepath.Join(t.TempDir(), "fig.png")
	if err := lp.WritePNG(p, 4, 3); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 1000 {
		t.Fatalf("%s is not a PNG (%d bytes)", p, len(b))
	}
}

func TestLinePlot_Errors(t *testing.T) {
	cases := []struct {
		name string
		lp   LinePlot
	}{
		{"no points", LinePlot{Series: []Series{{Name: "a", X: []float64{1}, Y: []float64{math.NaN()}}}}},
		{"ragged series", LinePlot{Series: []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.lp.WritePNG(filepath.Join(t.TempDir(), "x.png"), 4, 3); !errors.Is(err, ErrConfig) {
				t.Fatalf("WritePNG error %v, want ErrConfig", err)
			}
		})
	}
}

// TestLinePlot_LogX checks the log-scale x axis: points at x ≤ 0 are left out and the axis
// spans the positive points only.
func TestLinePlot_LogX(t *testing.T) {
	lp := LinePlot{Title: "W2 vs evaluations", LogX: true, Series: []Series{
		{Name: "euler", X: []float64{0, 2, 200}, Y: []float64{9, 1.5, 0.9}},
	}}
	p, err := lp.build()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.X.Scale.(plot.LogScale); !ok {
		t.Errorf("x scale %T, want plot.LogScale", p.X.Scale)
	}
	if !(p.X.Min > 1 && p.X.Min < 2 && p.X.Max > 200 && p.X.Max < 250) {
		t.Errorf("x axis [%g, %g], want just around [2, 200] (the point at 0 left out)", p.X.Min, p.X.Max)
	}
	if p.Y.Min > 0.9 || p.Y.Max < 1.5 || p.Y.Max > 9 {
		t.Errorf("y axis [%g, %g] should hold 0.9 … 1.5 and not the left-out 9", p.Y.Min, p.Y.Max)
	}
	if err := lp.WritePNG(filepath.Join(t.TempDir(), "log.png"), 4, 3); err != nil {
		t.Fatal(err)
	}
}
