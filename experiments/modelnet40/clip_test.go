package modelnet40

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/spec"
)

// ringClouds returns n clouds of pts points drawn uniformly on the circle of radius r in the
// x-y plane: a distribution a pointwise denoiser can learn, small like the ModelNet40 clouds.
func ringClouds(n, pts int, r float64, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([][]float64, n)
	for i := range out {
		c := make([]float64, 3*pts)
		for j := range pts {
			a := 2 * math.Pi * rng.Float64()
			c[3*j], c[3*j+1] = r*math.Cos(a), r*math.Sin(a)
		}
		out[i] = c
	}
	return out
}

// ringError returns the mean distance of the points of clouds from the circle of radius r in
// the x-y plane.
func ringError(clouds [][]float64, r float64) float64 {
	s, n := 0.0, 0
	for _, c := range clouds {
		for j := 0; j+2 < len(c); j += 3 {
			s += math.Hypot(math.Hypot(c[j], c[j+1])-r, c[j+2])
			n++
		}
	}
	return s / float64(n)
}

// TestClipData_Ring trains the reference network (kNN GAT, the experiment's training settings)
// briefly on rings of radius 0.25 and samples it with DDPM's x0 prediction clipped to [-1, 1]
// (the reference's) and to the data's range (--clip data): the network's poor high-noise
// predictions, clipped at 1, put the points far off the ring, and clipping them at the data's
// range keeps them several times closer (docs/experiments.md, "Why the clouds are blobs").
func TestClipData_Ring(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network for 300 steps (about 10 s); skipped under -short")
	}
	const (
		radius = 0.25
		pts    = 32
		gain   = 2.0 // the ring error with range 1 is at least gain × that with the data's range
	)
	rs := spec.Run{Task: spec.TaskPositions, Shape: generative.Shape{Nodes: pts, Dim: 3}, Data: "rings",
		Model: models.DMPConfig{Arch: models.ArchReference, Width: 32, Layers: 3, Conv: models.GAT},
		Graph: graphs.PlanConfig{Kind: graphs.KNN, K: 7},
		Train: generative.TrainConfig{Process: generative.ProcessDiffusion, Steps: 300, BatchSize: 32, LR: 1e-3, EMADecay: 0.95, Seed: 3,
			DDPM: generative.DDPMConfig{Timesteps: 1000}}, Seed: 2}.WithDefaults()
	model, err := rs.Build()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := model.NewTrainer("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Train(context.Background(), ringClouds(128, pts, radius, 1)); err != nil {
		t.Fatal(err)
	}
	if err := tr.EMA().Swap(); err != nil {
		t.Fatal(err)
	}
	errAt := func(clip float64) float64 {
		cfg := rs.SampleConfig(32)
		cfg.Seed, cfg.DDPM.SamplingSteps, cfg.DDPM.ClipRange = 9, 50, clip
		gen, err := generative.Sample(context.Background(), model.Denoiser, rs.Shape, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return ringError(gen, radius)
	}
	wide, data := errAt(1), errAt(radius)
	t.Logf("mean distance from the ring: %.3f with x0 clipped to [-1, 1], %.3f to [-0.25, 0.25]", wide, data)
	if !(wide > gain*data) {
		t.Errorf("clipping x0 to the data's range brought the points from %.3f to %.3f of the ring: want at least %.0fx closer", wide, data, gain)
	}
}
