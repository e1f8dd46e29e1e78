package trained

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/spec"
)

// tinyRun is a 3-step DDPM run of a small kNN GCN on clouds of 6 points.
func tinyRun() spec.Run {
	return spec.Run{Task: spec.TaskPositions, Shape: generative.Shape{Nodes: 6, Dim: 3},
		Model: models.DMPConfig{Arch: models.ArchReference, Width: 8, Layers: 1, Conv: models.GCN},
		Graph: graphs.PlanConfig{Kind: graphs.KNN, K: 2},
		Train: generative.TrainConfig{Process: generative.ProcessDiffusion, Steps: 3, BatchSize: 4, Seed: 5}, Seed: 9}.WithDefaults()
}

func tinyData() [][]float64 {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([][]float64, 8)
	for i := range out {
		out[i] = make([]float64, 18)
		for k := range out[i] {
			out[i][k] = r.NormFloat64() * 0.2
		}
	}
	return out
}

// TestNetworks_TrainCacheReuse trains a network, then gets it again from a new run: the
// weights come from the cache (no training data asked for) and equal the trained ones; a
// different key trains again.
func TestNetworks_TrainCacheReuse(t *testing.T) {
	cache, err := experiments.OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	code := experiments.CodeState{Fingerprint: "fp", Commit: "c1"}
	calls := 0
	req := Request{Name: "models/tiny", Key: "key-1", Net: tinyRun(), Spec: map[string]int{"layers": 1}, Summary: "3 steps",
		Train: func(context.Context) (spec.Run, [][]float64, error) { calls++; return tinyRun(), tinyData(), nil }}
	net, rec, err := New(cache, code, experiments.Env{}).Network(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || rec.Steps != 3 || rec.Commit != "c1" || rec.Params != net.Params().Count() || string(rec.Spec) != `{"layers":1}` {
		t.Fatalf("first: %d data calls, record %+v", calls, rec)
	}
	again, rec2, err := New(cache, code, experiments.Env{}).Network(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || rec2.FinalLoss != rec.FinalLoss {
		t.Errorf("second run trained again (%d data calls) or changed the record: %+v", calls, rec2)
	}
	var a, b bytes.Buffer
	if err := net.Params().Encode(&a); err != nil {
		t.Fatal(err)
	}
	if err := again.Params().Encode(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the cached weights differ from the trained ones")
	}
	req.Key = "key-2"
	if _, _, err := New(cache, code, experiments.Env{}).Network(context.Background(), req); err != nil || calls != 2 {
		t.Errorf("a new key: %d data calls, err %v; want training again", calls, err)
	}
}
