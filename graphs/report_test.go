package graphs

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/schedules"
)

func TestReport_DescribesPlan(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pos := make([]float64, 200*2)
	for i := range pos {
		pos[i] = rng.Float64()
	}
	cfg := PlanConfig{Kind: DMP, K: 7}
	p, err := NewPlan(pos, 200, 2, schedules.NoiseLevel(0), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReport(p, cfg)
	switch {
	case r.Points != 200 || r.Dim != 2 || r.Schedule != "exp" || !r.Coarsened:
		t.Fatalf("report %+v", r)
	case r.Scheduled != 38 || r.Supernodes != p.Supernodes || r.Edges != p.Edges.Len() || r.Neighbours != p.Neighbours:
		t.Fatalf("report %+v of plan with s_t %d (want ceil(sqrt(7·200)) = 38), %d supernodes, %d edges", r, p.Scheduled, p.Supernodes, p.Edges.Len())
	case r.Voxels != VoxelsPerDim(38, 2, false) || !(r.MeanEdge > 0) || !(r.MeanFine > 0):
		t.Fatalf("report %+v", r)
	}
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "dmp, exp schedule, k = 7: s_t = 38 supernodes") {
		t.Errorf("text:\n%s", b.String())
	}
	if title := r.Title(); !strings.Contains(title, "dmp (exp, k = 7") || !strings.Contains(title, "coarse edges") {
		t.Errorf("title %q", title)
	}
}
