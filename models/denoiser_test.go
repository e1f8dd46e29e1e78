package models

import (
	"errors"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/schedules"
	"gorgonia.org/tensor"
)

func TestDenoisers_Shapes(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	ts := []schedules.NoiseLevel{0.1, 0.95}
	graph := graphs.PlanConfig{Kind: graphs.DMP, K: 3}

	ps, _ := layers.NewParams(tensor.Float64, 1)
	net, _ := NewDMP(ps, DMPConfig{In: 3, Out: 3, PosDim: 3, Width: 4, Layers: 1})
	pd, err := NewPositionDenoiser(net, graph, 20)
	if err != nil {
		t.Fatal(err)
	}
	s := layers.NewScope(ps, false)
	out, err := pd.Forward(s, cloud(rng, 40, 3), 2, ts, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Shape().Eq(tensor.Shape{40, 3}) {
		t.Fatalf("position denoiser output %v, want [40 3]", out.Shape())
	}
	if _, err := pd.Forward(layers.NewScope(ps, false), cloud(rng, 39, 3), 2, ts, 1); !errors.Is(err, ErrInput) {
		t.Fatalf("wrong input size: got %v, want ErrInput", err)
	}

	ps2, _ := layers.NewParams(tensor.Float64, 1)
	net2, _ := NewDMP(ps2, DMPConfig{In: 5, Out: 3, PosDim: 2, Width: 4, Layers: 1, Conv: GCN})
	grid := cloud(rng, 12, 2)
	fd, err := NewFeatureDenoiser(net2, graph, grid, 3)
	if err != nil {
		t.Fatal(err)
	}
	s2 := layers.NewScope(ps2, true)
	out2, err := fd.Forward(s2, cloud(rng, 24, 3), 2, ts, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !out2.Shape().Eq(tensor.Shape{24, 3}) {
		t.Fatalf("feature denoiser output %v, want [24 3]", out2.Shape())
	}
	if _, err := NewFeatureDenoiser(net2, graph, grid, 4); !errors.Is(err, ErrConfig) {
		t.Fatalf("mismatched features: got %v, want ErrConfig", err)
	}
}
