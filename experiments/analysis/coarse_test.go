package analysis

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ncgn/ncgn/experiments"
)

func TestPool(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5, 10, 11} // four 2-D points
	assign := []int{1, 0, 1, 1}
	mean, err := Pool(x, 2, assign, 2, "mean")
	if err != nil {
		t.Fatal(err)
	}
	max, err := Pool(x, 2, assign, 2, "max")
	if err != nil {
		t.Fatal(err)
	}
	wantMean := [][]float64{{2, 3}, {14.0 / 3, 17.0 / 3}}
	wantMax := [][]float64{{2, 3}, {10, 11}}
	for c := 0; c < 2; c++ {
		for d := 0; d < 2; d++ {
			if math.Abs(mean[c][d]-wantMean[c][d]) > 1e-12 || max[c][d] != wantMax[c][d] {
				t.Errorf("cluster %d dim %d: mean %v max %v, want %v %v", c, d, mean[c][d], max[c][d], wantMean[c][d], wantMax[c][d])
			}
		}
	}
	for _, tc := range []struct {
		name   string
		assign []int
		k      int
		how    string
	}{{"empty cluster", []int{0, 0, 0, 0}, 2, "mean"}, {"out of range", []int{0, 2, 0, 1}, 2, "mean"}, {"bad pooling", assign, 2, "median"}, {"short", []int{0}, 1, "max"}} {
		if _, err := Pool(x, 2, tc.assign, tc.k, tc.how); !errors.Is(err, experiments.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", tc.name, err)
		}
	}
}

// TestCloudGW: without noise and at full resolution the coarse-grained shape is the shape,
// so GW is 0 for both noise types and poolings; with noise it is positive; one cluster gives
// the same GW at every noise level under mean pooling of features (the mean of the noise is
// the same point up to the shared draw) only by accident, so that is not asserted.
func TestCloudGW(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 12
	x, eps := make([]float64, 3*n), make([]float64, 3*n)
	for i := range x {
		x[i], eps[i] = rng.Float64()-0.5, rng.NormFloat64()
	}
	g, err := CloudGW(x, eps, []float64{0, 0.3}, []int{1, 4, n}, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	for ti := range noiseTypes {
		for pi := range poolings {
			if v := g[ti][pi][0][2]; math.Abs(v) > 1e-9 {
				t.Errorf("%s/%s: α = 0, k = n: GW %v, want 0", noiseTypes[ti], poolings[pi], v)
			}
			if v := g[ti][pi][1][2]; !(v > 1e-6) {
				t.Errorf("%s/%s: α = 0.3, k = n: GW %v, want > 0", noiseTypes[ti], poolings[pi], v)
			}
			if v := g[ti][pi][0][1]; !(v > 1e-6) {
				t.Errorf("%s/%s: α = 0, k = 4: GW %v, want > 0 (information is lost)", noiseTypes[ti], poolings[pi], v)
			}
		}
	}
	if _, err := CloudGW(x, eps, []float64{0}, []int{n + 1}, 7, 0); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("k > n: %v", err)
	}
}

// TestTrainAttentionNet_LossFalls trains both Figure 3 networks briefly on random clouds.
func TestTrainAttentionNet_LossFalls(t *testing.T) {
	if testing.Short() {
		t.Skip("training under -short")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	n := 10
	clouds := make([][]float64, 6)
	for c := range clouds {
		clouds[c] = make([]float64, 3*n)
		for i := range clouds[c] {
			clouds[c][i] = 0.5 * (rng.Float64() - 0.5)
		}
	}
	for _, task := range fig3Tasks {
		net, err := NewAttentionNet(task, 16, 1)
		if err != nil {
			t.Fatal(err)
		}
		losses, err := TrainAttentionNet(context.Background(), net, clouds, n, 150, 8, 3e-3, 5)
		if err != nil {
			t.Fatal(err)
		}
		first, last := mean(losses[:15]), mean(losses[len(losses)-15:])
		if !(last < first) {
			t.Errorf("%s: loss %v → %v, want it to fall", task, first, last)
		}
		sum, count, w, err := AttentionByDistance(net, clouds, n, 0.5, 1, 4, 2, 9)
		if err != nil {
			t.Fatal(err)
		}
		// Every node's attention over its n − 1 neighbours plus itself sums to 1, so the
		// binned attention of the others sums to at most the node count.
		total, edges := 0.0, 0
		for b := range sum {
			total += sum[b]
			edges += count[b]
		}
		if edges != len(clouds)*n*(n-1) || !(total > 0 && total < float64(len(clouds)*n)) || !(w > 0) {
			t.Errorf("%s: %d edges (want %d), attention total %v, weighted distance %v", task, edges, len(clouds)*n*(n-1), total, w)
		}
	}
	if _, err := NewAttentionNet("colour", 4, 1); !errors.Is(err, experiments.ErrConfig) {
		t.Errorf("bad task: %v", err)
	}
}
